using System.Reflection;
using P2P.Fuzz.Engine;
using P2P.Node.Content.DagPb;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>
/// The exporter's node decoder (Exporting.UnixFsNode.Decode: dag-pb, then UnixFS Data, then the file
/// invariants). The first input byte picks the CID codec (dag-pb, raw or another), the rest is the block.
/// The type is internal, so it is bound once by reflection to a delegate: exceptions arrive unwrapped.
/// </summary>
public sealed class UnixFsNodeTarget : IFuzzTarget
{
    private static readonly Func<Cid, ReadOnlyMemory<byte>, object> Decode = Bind();

    public string Name => "unixfs-node";

    public int MaxInputLength => 4096;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[0x12, 0x02, 0x08, 0x02], [0x0A, 0x04, 0x08, 0x02, 0x18, 0x00], [0x20], [0x18]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return "empty";
        var block = input[1..].ToArray();
        var codec = (input[0] % 3) switch { 0 => Multicodec.DagPb, 1 => Multicodec.Raw, _ => Multicodec.Libp2pKey };
        var cid = Cid.V1(codec, Multihash.Sha256(block));
        try
        {
            _ = Decode(cid, block);
            return "ok " + Multicodec.Name(codec);
        }
        catch (InvalidDataException e)
        {
            return "rejected: " + e.Message.Replace(cid.ToString(), "<cid>", StringComparison.Ordinal);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var leaf = new UnixFsData { Type = UnixFsType.File, Data = new byte[] { 1, 2, 3 }, FileSize = 3 }.Encode();
        yield return [0, .. DagPbCodec.Encode(new PbNode([], leaf))];
        var root = new UnixFsData { Type = UnixFsType.File, FileSize = 7, BlockSizes = [3, 4] }.Encode();
        yield return [0, .. DagPbCodec.Encode(new PbNode([new PbLink(Samples.CidRaw, "", 3), new PbLink(Samples.CidRaw, "", 4)], root))];
        var dir = new UnixFsData { Type = UnixFsType.Directory }.Encode();
        yield return [0, .. DagPbCodec.Encode(new PbNode([new PbLink(Samples.CidV0, "a", 10)], dir))];
        yield return [1, 5, 6, 7];
    }

    private static Func<Cid, ReadOnlyMemory<byte>, object> Bind()
    {
        var type = typeof(Cid).Assembly.GetType("P2P.Node.Content.Exporting.UnixFsNode", throwOnError: true)!;
        var method = type.GetMethod("Decode", BindingFlags.Public | BindingFlags.Static, [typeof(Cid), typeof(ReadOnlyMemory<byte>)])
                     ?? throw new MissingMethodException(type.FullName, "Decode");
        return method.CreateDelegate<Func<Cid, ReadOnlyMemory<byte>, object>>();
    }
}
