using System.Security.Cryptography;

namespace P2P.Node.Multiformats;

/// <summary>
/// A self-describing hash: <c>varint(code) varint(length) digest</c>. Immutable; equality is by bytes.
/// </summary>
public sealed class Multihash : IEquatable<Multihash>
{
    /// <summary>Largest digest we accept when parsing (identity multihashes of small keys fit too).</summary>
    public const int MaxDigestLength = 128;

    private readonly byte[] _bytes;
    private readonly int _digestOffset;

    private Multihash(byte[] bytes, ulong code, int digestOffset)
    {
        _bytes = bytes;
        Code = code;
        _digestOffset = digestOffset;
    }

    public ulong Code { get; }

    /// <summary>The whole multihash, prefix included.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public ReadOnlySpan<byte> Digest => _bytes.AsSpan(_digestOffset);

    public int Length => _bytes.Length;

    public static Multihash Sha256(ReadOnlySpan<byte> data)
    {
        var bytes = new byte[2 + 32];
        bytes[0] = (byte)Multicodec.Sha2_256;
        bytes[1] = 32;
        SHA256.HashData(data, bytes.AsSpan(2));
        return new Multihash(bytes, Multicodec.Sha2_256, 2);
    }

    public static Multihash Blake3(ReadOnlySpan<byte> data)
    {
        var bytes = new byte[2 + 32];
        bytes[0] = (byte)Multicodec.Blake3;
        bytes[1] = 32;
        global::Blake3.Hasher.Hash(data, bytes.AsSpan(2));
        return new Multihash(bytes, Multicodec.Blake3, 2);
    }

    /// <summary>Hashes <paramref name="data"/> with the function named by <paramref name="code"/>.</summary>
    public static Multihash Compute(ulong code, ReadOnlySpan<byte> data) => code switch
    {
        Multicodec.Sha2_256 => Sha256(data),
        Multicodec.Blake3 => Blake3(data),
        _ => throw new ArgumentException($"unsupported hash function {Multicodec.Name(code)}", nameof(code)),
    };

    /// <summary>An identity multihash: the data itself (used for small public keys in PeerIds).</summary>
    public static Multihash Identity(ReadOnlySpan<byte> data)
    {
        var lengthSize = Varint.SizeOf((ulong)data.Length);
        var bytes = new byte[1 + lengthSize + data.Length];
        bytes[0] = 0;
        Varint.Write(bytes.AsSpan(1), (ulong)data.Length);
        data.CopyTo(bytes.AsSpan(1 + lengthSize));
        return new Multihash(bytes, Multicodec.Identity, 1 + lengthSize);
    }

    /// <summary>True if <paramref name="data"/> hashes to this multihash. False for hash functions we do not know.</summary>
    public bool Matches(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        switch (Code)
        {
            case Multicodec.Sha2_256 when Digest.Length == 32:
                SHA256.HashData(data, digest);
                return digest.SequenceEqual(Digest);
            case Multicodec.Blake3 when Digest.Length == 32:
                global::Blake3.Hasher.Hash(data, digest);
                return digest.SequenceEqual(Digest);
            case Multicodec.Identity:
                return data.SequenceEqual(Digest);
            default:
                return false;
        }
    }

    /// <summary>Parses a multihash that occupies a prefix of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Multihash? multihash, out int consumed, out string? error)
    {
        multihash = null;
        consumed = 0;
        if (!Varint.TryRead(source, out var code, out var codeLength))
        {
            error = "truncated or malformed multihash code";
            return false;
        }
        if (!Varint.TryRead(source[codeLength..], out var digestLength, out var lengthLength))
        {
            error = "truncated or malformed multihash length";
            return false;
        }
        if (digestLength > MaxDigestLength)
        {
            error = $"multihash digest of {digestLength} bytes is too long";
            return false;
        }
        var total = codeLength + lengthLength + (int)digestLength;
        if (source.Length < total)
        {
            error = "multihash digest is truncated";
            return false;
        }
        if (code is Multicodec.Sha2_256 or Multicodec.Blake3 && digestLength != 32)
        {
            error = $"{Multicodec.Name(code)} digest must be 32 bytes, not {digestLength}";
            return false;
        }
        multihash = new Multihash(source[..total].ToArray(), code, codeLength + lengthLength);
        consumed = total;
        error = null;
        return true;
    }

    /// <summary>Parses bytes that must be exactly one multihash.</summary>
    public static Multihash Parse(ReadOnlySpan<byte> source)
    {
        if (!TryRead(source, out var mh, out var consumed, out var error))
            throw new FormatException(error);
        if (consumed != source.Length)
            throw new FormatException("trailing bytes after multihash");
        return mh!;
    }

    public bool Equals(Multihash? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is Multihash other && Equals(other);

    public override int GetHashCode()
    {
        var hc = new HashCode();
        hc.AddBytes(_bytes);
        return hc.ToHashCode();
    }

    /// <summary>Base58btc, the way kubo prints bare multihashes.</summary>
    public override string ToString() => Multibase.EncodeBase58(_bytes);
}
