using System.Buffers.Binary;

namespace P2P.Fuzz.Engine;

/// <summary>
/// AFL-style havoc: a stack of one to six random edits — bit flips, random and "interesting" bytes and integers,
/// inserts, deletes, duplicated ranges, splices with another corpus entry, dictionary tokens and varints (the
/// length prefixes every multiformat and protobuf decoder here reads). Deterministic for a given
/// <see cref="Random"/> seed.
/// </summary>
public sealed class Mutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x10, 0x20, 0x40, 0x7F, 0x80, 0x81, 0xC0, 0xFF, 0xFE];
    private static readonly int[] InterestingInts = [0, 1, -1, 16, 32, 64, 100, 127, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 32768, 65535, 65536, int.MaxValue, int.MinValue];

    // MessagePack headers that carry a length (bin8/16/32, str8/16/32, array16/32, map16/32, ext) and varint
    // prefixes near the 7-bit and 32-bit boundaries: the places length checks go wrong.
    private static readonly byte[][] BuiltInTokens =
    [
        [0xC4, 0xFF], [0xC5, 0xFF, 0xFF], [0xC6, 0x7F, 0xFF, 0xFF, 0xFF], [0xC6, 0xFF, 0xFF, 0xFF, 0xFF],
        [0xD9, 0xFF], [0xDA, 0xFF, 0xFF], [0xDB, 0x7F, 0xFF, 0xFF, 0xFF], [0xDC, 0xFF, 0xFF], [0xDD, 0x7F, 0xFF, 0xFF, 0xFF],
        [0xDE, 0xFF, 0xFF], [0xDF, 0x7F, 0xFF, 0xFF, 0xFF], [0xC7, 0xFF, 0x01], [0xCF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        [0x80, 0x01], [0xFF, 0x01], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], [0x80, 0x80, 0x00],
    ];

    private readonly Random _random;
    private readonly IReadOnlyList<byte[]> _tokens;

    public Mutator(Random random, IReadOnlyList<byte[]> targetTokens)
    {
        _random = random;
        _tokens = [.. targetTokens, .. BuiltInTokens];
    }

    /// <summary>A mutated copy of <paramref name="input"/>, at most <paramref name="maxLength"/> bytes.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus, int maxLength)
    {
        var data = new List<byte>(input);
        var edits = 1 << _random.Next(0, 3);
        for (var e = 0; e < edits; e++)
            ApplyOne(data, corpus);
        if (data.Count > maxLength)
            data.RemoveRange(maxLength, data.Count - maxLength);
        return [.. data];
    }

    private void ApplyOne(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        var op = _random.Next(0, 13);
        if (data.Count == 0 && op < 9)
            op = 9;
        switch (op)
        {
            case 0:
                data[Pos(data)] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data[Pos(data)] = (byte)_random.Next(256);
                break;
            case 2:
                data[Pos(data)] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                break;
            case 3:
                data[Pos(data)] += (byte)_random.Next(-8, 9);
                break;
            case 4:
                Overwrite(data, Pos(data), InterestingInt());
                break;
            case 5:
                var del = Pos(data);
                data.RemoveRange(del, 1 + _random.Next(Math.Min(16, data.Count - del)));
                break;
            case 6:
                var start = Pos(data);
                var len = 1 + _random.Next(Math.Min(32, data.Count - start));
                data.InsertRange(Pos(data), data.GetRange(start, len));
                break;
            case 7:
                var at = Pos(data);
                data.RemoveRange(at, data.Count - at);
                break;
            case 8:
                Overwrite(data, Pos(data), Token());
                break;
            case 9:
                data.InsertRange(_random.Next(data.Count + 1), Token());
                break;
            case 10:
                var count = 1 + _random.Next(8);
                var fill = _random.Next(2) == 0 ? (byte)_random.Next(256) : InterestingBytes[_random.Next(InterestingBytes.Length)];
                data.InsertRange(_random.Next(data.Count + 1), Enumerable.Repeat(fill, count));
                break;
            case 11:
                data.InsertRange(_random.Next(data.Count + 1), Varint());
                break;
            default:
                Splice(data, corpus);
                break;
        }
    }

    private int Pos(List<byte> data) => data.Count == 0 ? 0 : _random.Next(data.Count);

    private static void Overwrite(List<byte> data, int at, byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (at + i < data.Count)
                data[at + i] = bytes[i];
            else
                data.Add(bytes[i]);
        }
    }

    private byte[] Token() => _tokens[_random.Next(_tokens.Count)];

    private byte[] InterestingInt()
    {
        var value = InterestingInts[_random.Next(InterestingInts.Length)];
        var bytes = new byte[_random.Next(2) == 0 ? 2 : 4];
        if (bytes.Length == 2)
        {
            if (_random.Next(2) == 0)
                BinaryPrimitives.WriteInt16BigEndian(bytes, (short)value);
            else
                BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)value);
        }
        else if (_random.Next(2) == 0)
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        else
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private byte[] Varint()
    {
        var value = _random.Next(4) switch
        {
            0 => (ulong)_random.Next(0, 300),
            1 => (ulong)InterestingInts[_random.Next(InterestingInts.Length)],
            2 => 1UL << _random.Next(64),
            _ => ulong.MaxValue >> _random.Next(64),
        };
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }

    private void Splice(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        if (corpus.Count == 0)
            return;
        var other = corpus[_random.Next(corpus.Count)];
        if (other.Length == 0)
            return;
        var from = _random.Next(other.Length);
        var len = 1 + _random.Next(other.Length - from);
        var at = _random.Next(data.Count + 1);
        if (_random.Next(2) == 0)
            data.RemoveRange(at, data.Count - at);
        data.InsertRange(Math.Min(at, data.Count), other.AsSpan(from, len).ToArray());
    }
}
