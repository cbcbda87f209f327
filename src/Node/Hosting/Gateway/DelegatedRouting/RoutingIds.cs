using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>The path parameters of the Delegated Routing V1 API, read as boxo's server reads them.</summary>
public static class RoutingIds
{
    /// <summary>
    /// A peer id as base58btc (<c>12D3KooW…</c>, <c>Qm…</c>) or a CIDv1 with the libp2p-key codec. Like boxo, a CID
    /// of another codec whose multihash is a peer id is accepted too: clients often learn an id in one form and send
    /// it in another, and refusing that would break peer routing for no gain.
    /// </summary>
    public static bool TryParsePeer(string? text, out PeerId? peer, out string? error)
    {
        if (PeerId.TryParse(text, out peer, out error))
            return true;
        if (Cid.TryParse(text, out var cid, out _) && PeerId.TryFromBytes(cid!.Multihash.Bytes, out peer, out _))
        {
            error = null;
            return true;
        }
        return false;
    }
}
