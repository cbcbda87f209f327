using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>Varint.TryRead: accepted values re-encode to exactly the bytes read (only minimal forms are accepted).</summary>
public sealed class VarintTarget : IFuzzTarget
{
    public string Name => "varint";

    public int MaxInputLength => 16;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[0x80], [0xFF], [0x00], [0x7F]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        if (!Varint.TryRead(input, out var value, out var length))
            return "rejected";
        if (length <= 0 || length > input.Length || length != Varint.SizeOf(value))
            throw new FuzzInvariantException($"varint length {length} for value {value} from {input.Length} bytes");
        Span<byte> again = stackalloc byte[10];
        var written = Varint.Write(again, value);
        if (!again[..written].SequenceEqual(input[..length]))
            throw new FuzzInvariantException($"varint {value} re-encodes differently");
        return $"ok {length}";
    }

    public IEnumerable<byte[]> Seeds()
    {
        foreach (var value in new ulong[] { 0, 1, 127, 128, 300, 1UL << 35, long.MaxValue })
        {
            var bytes = new byte[Varint.SizeOf(value)];
            Varint.Write(bytes, value);
            yield return bytes;
        }
    }
}
