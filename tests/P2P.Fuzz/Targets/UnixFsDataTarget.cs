using P2P.Fuzz.Engine;
using P2P.Node.Content.UnixFs;

namespace P2P.Fuzz.Targets;

/// <summary>
/// UnixFsData.TryDecode (the protobuf inside a dag-pb node's Data). Unknown fields are skipped and varints need
/// not be minimal, so the property is decode → encode → decode gives equal fields and a stable encoding.
/// </summary>
public sealed class UnixFsDataTarget : IFuzzTarget
{
    public string Name => "unixfs-data";

    public int MaxInputLength => 4096;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [[0x08], [0x12], [0x18], [0x20], [0x22], [0x28], [0x30], [0x38], [0x42], [0x08, 0x05], [0x08, 0x02], [0x30, 0x80, 0x02], [0x15], [0x42, 0x05, 0x08, 0x01, 0x15]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        if (!UnixFsData.TryDecode(bytes, out var data, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("UnixFsData.TryDecode failed without an error");
            return "rejected: " + error;
        }
        var encoded = data!.Encode();
        if (data.GetEncodedLength() != encoded.Length)
            throw new FuzzInvariantException("GetEncodedLength disagrees with Encode");
        if (!UnixFsData.TryDecode(encoded, out var again, out var againError))
            throw new FuzzInvariantException($"re-encoded UnixFS Data does not decode: {againError}");
        if (!SameFields(data, again!))
            throw new FuzzInvariantException("UnixFS Data changed through encode and decode");
        if (!again!.Encode().AsSpan().SequenceEqual(encoded))
            throw new FuzzInvariantException("UnixFS Data encoding is not stable");
        return $"ok {data.Type}";
    }

    private static bool SameFields(UnixFsData a, UnixFsData b) =>
        a.Type == b.Type && a.FileSize == b.FileSize && a.HashType == b.HashType && a.Fanout == b.Fanout &&
        a.Mode == b.Mode && a.MTime == b.MTime && a.BlockSizes.SequenceEqual(b.BlockSizes) &&
        a.Data.HasValue == b.Data.HasValue && (a.Data is null || a.Data.Value.Span.SequenceEqual(b.Data!.Value.Span));

    public IEnumerable<byte[]> Seeds()
    {
        yield return new UnixFsData { Type = UnixFsType.File, Data = new byte[] { 1, 2, 3 }, FileSize = 3 }.Encode();
        yield return new UnixFsData { Type = UnixFsType.File, FileSize = 300, BlockSizes = [100, 200] }.Encode();
        yield return new UnixFsData { Type = UnixFsType.Directory, Mode = 0x1ED, MTime = new UnixFsTime(1_700_000_000, 5) }.Encode();
        yield return new UnixFsData { Type = UnixFsType.HamtShard, Data = new byte[] { 0xFF }, HashType = 0x22, Fanout = 256 }.Encode();
        yield return new UnixFsData { Type = UnixFsType.Symlink, Data = "target"u8.ToArray() }.Encode();
    }
}
