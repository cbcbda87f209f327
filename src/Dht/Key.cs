using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace P2P.Dht;

/// <summary>
/// A 256-bit Kademlia key (node id or content key). Distance between two keys is their XOR, read as an
/// unsigned big-endian integer (Maymounkov and Mazières 2002, section 2.1). Stored as four 64-bit words,
/// most significant first, so a key costs 32 bytes and no allocation.
/// </summary>
public readonly struct Key : IEquatable<Key>, IComparable<Key>
{
    /// <summary>Bits in a key.</summary>
    public const int Bits = 256;

    /// <summary>Bytes in a key.</summary>
    public const int Length = 32;

    private readonly ulong _w0, _w1, _w2, _w3;

    private Key(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>Reads a key from exactly 32 big-endian bytes.</summary>
    public Key(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"a key is {Length} bytes, got {bytes.Length}", nameof(bytes));
        _w0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>The all-zero key (the distance from any key to itself).</summary>
    public static Key Zero => default;

    /// <summary>
    /// SHA-256 of <paramref name="data"/>. libp2p derives both node ids (from PeerId bytes) and content
    /// keys (from multihash bytes) this way, so that ids are uniform whatever the input format.
    /// </summary>
    public static Key Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Length];
        SHA256.HashData(data, digest);
        return new Key(digest);
    }

    /// <summary>A uniformly random key from a seeded generator.</summary>
    public static Key Random(Random random)
    {
        Span<byte> bytes = stackalloc byte[Length];
        random.NextBytes(bytes);
        return new Key(bytes);
    }

    /// <summary>
    /// A random key whose common prefix with <paramref name="self"/> is exactly <paramref name="prefixLength"/>
    /// bits: it lands in bucket <paramref name="prefixLength"/> of a table owned by <paramref name="self"/>.
    /// Used to refresh a bucket (Kademlia section 2.3).
    /// </summary>
    public static Key RandomInBucket(Key self, int prefixLength, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(prefixLength, Bits);
        var noise = Random(random);
        // Keep the first prefixLength bits of self, flip the next one, take the rest from noise.
        var distance = Zero.WithBit(prefixLength).Or(noise.KeepSuffixAfter(prefixLength));
        return self.Xor(distance);
    }

    /// <summary>XOR of two keys: the Kademlia distance.</summary>
    public Key Xor(Key other) => new(_w0 ^ other._w0, _w1 ^ other._w1, _w2 ^ other._w2, _w3 ^ other._w3);

    /// <summary>The distance between two keys.</summary>
    public static Key Distance(Key a, Key b) => a.Xor(b);

    /// <summary>Number of leading zero bits (256 for the zero key).</summary>
    public int LeadingZeroCount()
    {
        if (_w0 != 0) return BitOperations.LeadingZeroCount(_w0);
        if (_w1 != 0) return 64 + BitOperations.LeadingZeroCount(_w1);
        if (_w2 != 0) return 128 + BitOperations.LeadingZeroCount(_w2);
        if (_w3 != 0) return 192 + BitOperations.LeadingZeroCount(_w3);
        return Bits;
    }

    /// <summary>Length of the common bit prefix of two keys; 256 when they are equal.</summary>
    public static int CommonPrefixLength(Key a, Key b) => a.Xor(b).LeadingZeroCount();

    /// <summary>
    /// Which of <paramref name="a"/> and <paramref name="b"/> is closer to this key: negative when
    /// <paramref name="a"/> is, zero when they are the same key.
    /// </summary>
    public int CompareDistance(Key a, Key b) => a.Xor(this).CompareTo(b.Xor(this));

    /// <summary>Bit <paramref name="index"/>, counting from the most significant bit (0).</summary>
    public bool GetBit(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Bits);
        var word = Word(index >> 6);
        return ((word >> (63 - (index & 63))) & 1) != 0;
    }

    /// <summary>Unsigned big-endian order, which is also the order of distances.</summary>
    public int CompareTo(Key other)
    {
        if (_w0 != other._w0) return _w0 < other._w0 ? -1 : 1;
        if (_w1 != other._w1) return _w1 < other._w1 ? -1 : 1;
        if (_w2 != other._w2) return _w2 < other._w2 ? -1 : 1;
        if (_w3 != other._w3) return _w3 < other._w3 ? -1 : 1;
        return 0;
    }

    /// <summary>Writes the 32 big-endian bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"need {Length} bytes", nameof(destination));
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>The 32 big-endian bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>The key as an unsigned integer, for tests of the metric laws.</summary>
    public BigInteger ToBigInteger() => new(ToArray(), isUnsigned: true, isBigEndian: true);

    public bool Equals(Key other) =>
        _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is Key other && Equals(other);

    // Keys are uniform hashes, so one word is already a good hash code.
    public override int GetHashCode() => (int)(_w3 ^ (_w3 >> 32));

    public static bool operator ==(Key left, Key right) => left.Equals(right);

    public static bool operator !=(Key left, Key right) => !left.Equals(right);

    public static bool operator <(Key left, Key right) => left.CompareTo(right) < 0;

    public static bool operator >(Key left, Key right) => left.CompareTo(right) > 0;

    public static bool operator <=(Key left, Key right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Key left, Key right) => left.CompareTo(right) >= 0;

    /// <summary>Lower-case hex of the 32 bytes.</summary>
    public override string ToString() => Convert.ToHexStringLower(ToArray());

    /// <summary>The first 8 hex digits, for logs.</summary>
    public string ToShortString() => _w0.ToString("x16")[..8];

    private ulong Word(int i) => i switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };

    private Key WithBit(int index)
    {
        var mask = 1UL << (63 - (index & 63));
        return (index >> 6) switch
        {
            0 => new Key(_w0 | mask, _w1, _w2, _w3),
            1 => new Key(_w0, _w1 | mask, _w2, _w3),
            2 => new Key(_w0, _w1, _w2 | mask, _w3),
            _ => new Key(_w0, _w1, _w2, _w3 | mask),
        };
    }

    private Key Or(Key other) => new(_w0 | other._w0, _w1 | other._w1, _w2 | other._w2, _w3 | other._w3);

    /// <summary>Clears bits 0..index (inclusive), keeping only those after <paramref name="index"/>.</summary>
    private Key KeepSuffixAfter(int index)
    {
        var cleared = index + 1;
        return new Key(Mask(_w0, cleared, 0), Mask(_w1, cleared, 64), Mask(_w2, cleared, 128), Mask(_w3, cleared, 192));

        static ulong Mask(ulong word, int cleared, int wordStart)
        {
            var inWord = cleared - wordStart;
            if (inWord <= 0) return word;
            if (inWord >= 64) return 0;
            return word & (ulong.MaxValue >> inWord);
        }
    }
}
