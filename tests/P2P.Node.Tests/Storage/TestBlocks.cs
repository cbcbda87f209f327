using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

/// <summary>
/// Blocks for storage tests. A "node" is a fake DAG block (codec dag-pb so gc asks the decoder for links):
/// a count byte, then each child CID as a length byte and its binary form, then a payload.
/// </summary>
internal static class TestBlocks
{
    public static (Cid Cid, byte[] Data) Raw(int seed, int size = 100)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return (Cid.V1(Multicodec.Raw, Multihash.Sha256(data)), data);
    }

    public static (Cid Cid, byte[] Data) Node(int seed, params Cid[] children)
    {
        var bytes = new List<byte> { (byte)children.Length };
        foreach (var child in children)
        {
            bytes.Add((byte)child.Bytes.Length);
            bytes.AddRange(child.Bytes.ToArray());
        }
        bytes.AddRange(BitConverter.GetBytes(seed));
        var data = bytes.ToArray();
        return (Cid.V1(Multicodec.DagPb, Multihash.Sha256(data)), data);
    }

    public static readonly ILinkDecoder Decoder = new FuncLinkDecoder(static (_, block) => DecodeLinks(block));

    private static List<Cid> DecodeLinks(byte[] block)
    {
        if (block.Length == 0)
            throw new InvalidDataException("empty node");
        var links = new List<Cid>();
        var offset = 1;
        for (var i = 0; i < block[0]; i++)
        {
            if (offset >= block.Length || offset + 1 + block[offset] > block.Length)
                throw new InvalidDataException("truncated node");
            links.Add(Cid.FromBytes(block.AsSpan(offset + 1, block[offset])));
            offset += 1 + block[offset];
        }
        return links;
    }
}
