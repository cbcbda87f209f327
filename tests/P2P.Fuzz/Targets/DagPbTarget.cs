using P2P.Fuzz.Engine;
using P2P.Node.Content.DagPb;

namespace P2P.Fuzz.Targets;

/// <summary>
/// DagPbCodec.TryDecode and Decode. The decoder accepts only the canonical form (minimal varints, links before
/// Data, link fields in order), so an accepted block must re-encode to exactly its own bytes: that is what
/// makes a dag-pb CID unique.
/// </summary>
public sealed class DagPbTarget : IFuzzTarget
{
    public string Name => "dagpb";

    public int MaxInputLength => 4096;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [[0x12], [0x0A], [0x0A, 0x00], [0x12, 0x00], [0x18], [0x12, 0x22, 0x0A, 0x20], [0x01, 0x70, 0x12, 0x20], [0x01, 0x55, 0x12, 0x20], [0x0A, 0x24]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var block = input.ToArray();
        if (!DagPbCodec.TryDecode(block, out var node, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("DagPbCodec.TryDecode failed without an error");
            try
            {
                DagPbCodec.Decode(block);
                throw new FuzzInvariantException("Decode accepted what TryDecode rejected");
            }
            catch (InvalidDataException)
            {
            }
            return "rejected: " + error;
        }
        var encoded = DagPbCodec.Encode(node!);
        if (!encoded.AsSpan().SequenceEqual(block))
            throw new FuzzInvariantException($"accepted dag-pb block of {block.Length} bytes re-encodes to {encoded.Length} different bytes");
        if (DagPbCodec.GetEncodedLength(node!) != encoded.Length)
            throw new FuzzInvariantException("GetEncodedLength disagrees with Encode");
        return $"ok links {Math.Min(node!.Links.Count, 3)} data {node.Data is not null}";
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return DagPbCodec.Encode(new PbNode([], null));
        yield return DagPbCodec.Encode(new PbNode([], new byte[] { 0x08, 0x01 }));
        yield return DagPbCodec.Encode(new PbNode(
            [new PbLink(Samples.CidV0, "a.txt", 12), new PbLink(Samples.CidRaw, "", null), new PbLink(Samples.CidBlake3, null, 0)],
            new byte[] { 0x08, 0x02, 0x18, 0x0C }));
    }
}
