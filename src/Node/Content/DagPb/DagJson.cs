using System.Text;
using System.Text.Json;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.DagPb;

/// <summary>
/// A block in dag-json (ipld.io/specs/codecs/dag-json/spec), as kubo's `dag get` prints it: a dag-pb node as
/// <c>{"Data":{"/":{"bytes":…}},"Links":[{"Hash":{"/":cid},"Name":…,"Tsize":…}]}</c> with map keys in the codec's order
/// (shorter first, then bytewise) and absent optional fields left out; a raw block as <c>{"/":{"bytes":…}}</c>. Bytes
/// are standard base64 without padding, as the spec says.
/// </summary>
public static class DagJson
{
    /// <summary>The dag-json bytes of <paramref name="block"/>, whose CID is <paramref name="cid"/>.</summary>
    public static byte[] Encode(Cid cid, byte[] block)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (cid.Codec == Multicodec.DagPb)
                WriteNode(json, DagPbCodec.Decode(block));
            else if (cid.Codec == Multicodec.Raw)
                WriteBytes(json, block);
            else
                throw new FormatException($"{cid} is a {Multicodec.Name(cid.Codec)} block: dag get reads dag-pb and raw blocks");
        }
        return buffer.ToArray();
    }

    /// <summary>The dag-json text of <paramref name="block"/>.</summary>
    public static string EncodeString(Cid cid, byte[] block) => Encoding.UTF8.GetString(Encode(cid, block));

    private static void WriteNode(Utf8JsonWriter json, PbNode node)
    {
        json.WriteStartObject();
        // dag-json orders keys by length first: "Data" (4) before "Links" (5); "Hash", "Name" before "Tsize".
        if (node.Data is { } data)
        {
            json.WritePropertyName("Data");
            WriteBytes(json, data.Span);
        }
        json.WritePropertyName("Links");
        json.WriteStartArray();
        foreach (var link in node.Links)
        {
            json.WriteStartObject();
            json.WritePropertyName("Hash");
            json.WriteStartObject();
            json.WriteString("/", link.Hash.ToString());
            json.WriteEndObject();
            if (link.Name is { } name)
                json.WriteString("Name", name);
            if (link.Tsize is { } size)
                json.WriteNumber("Tsize", size);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteBytes(Utf8JsonWriter json, ReadOnlySpan<byte> bytes)
    {
        json.WriteStartObject();
        json.WritePropertyName("/");
        json.WriteStartObject();
        json.WriteString("bytes", Convert.ToBase64String(bytes).TrimEnd('='));
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
