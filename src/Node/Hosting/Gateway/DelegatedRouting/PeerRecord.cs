using System.Text.Json;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// One record of the Delegated Routing V1 API's peer schema (specs.ipfs.tech/routing/http-routing-v1, "Peer Schema"):
/// <c>{"Schema":"peer","ID":"12D3Koo…","Addrs":["/ip4/…/udp/…"],"Protocols":["transport-p2p-exchange"]}</c>, the same
/// object in a JSON answer's list and on an ndjson line. The ID is base58btc, as boxo writes it.
/// </summary>
public sealed record PeerRecord(PeerId Id, IReadOnlyList<string> Addrs, IReadOnlyList<string> Protocols)
{
    /// <summary>Writes the record as one JSON object, the fields in the spec's order.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("Schema", "peer");
        json.WriteString("ID", Id.ToString());
        json.WriteStartArray(nameof(Addrs));
        foreach (var address in Addrs)
            json.WriteStringValue(address);
        json.WriteEndArray();
        json.WriteStartArray(nameof(Protocols));
        foreach (var protocol in Protocols)
            json.WriteStringValue(protocol);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
