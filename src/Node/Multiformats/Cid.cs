namespace P2P.Node.Multiformats;

/// <summary>
/// A content identifier (github.com/multiformats/cid). CIDv0 is the bare base58btc sha2-256 multihash of a
/// dag-pb block; CIDv1 is <c>varint(1) varint(codec) multihash</c>, printed base32 lower with prefix 'b'.
/// Immutable; equality is by version, codec and multihash.
/// </summary>
public sealed class Cid : IEquatable<Cid>, IComparable<Cid>
{
    private byte[]? _bytes;
    private string? _text;

    public Cid(int version, ulong codec, Multihash multihash)
    {
        if (version is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(version), "CID version must be 0 or 1");
        if (version == 0 && (codec != Multicodec.DagPb || multihash.Code != Multicodec.Sha2_256))
            throw new ArgumentException("CIDv0 is only for sha2-256 dag-pb blocks");
        Version = version;
        Codec = codec;
        Multihash = multihash;
    }

    public int Version { get; }

    public ulong Codec { get; }

    public Multihash Multihash { get; }

    public static Cid V0(Multihash multihash) => new(0, Multicodec.DagPb, multihash);

    public static Cid V1(ulong codec, Multihash multihash) => new(1, codec, multihash);

    /// <summary>The binary form: the multihash for v0, the prefixed form for v1.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ??= Encode();

    /// <summary>The same content named as CIDv1 (v1 stays as it is).</summary>
    public Cid ToV1() => Version == 1 ? this : V1(Codec, Multihash);

    private byte[] Encode()
    {
        if (Version == 0)
            return Multihash.Bytes.ToArray();
        var bytes = new byte[1 + Varint.SizeOf(Codec) + Multihash.Length];
        var o = Varint.Write(bytes, 1);
        o += Varint.Write(bytes.AsSpan(o), Codec);
        Multihash.Bytes.CopyTo(bytes.AsSpan(o));
        return bytes;
    }

    /// <summary>Reads a binary CID from the start of <paramref name="source"/> (as found in dag-pb links and CAR files).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Cid? cid, out int consumed, out string? error)
    {
        cid = null;
        consumed = 0;
        // A CIDv0 in binary is a sha2-256 multihash: 0x12 0x20 + 32 bytes.
        if (source.Length >= 2 && source[0] == 0x12 && source[1] == 0x20)
        {
            if (!Multihash.TryRead(source, out var mh0, out consumed, out error))
                return false;
            cid = V0(mh0!);
            return true;
        }
        if (!Varint.TryRead(source, out var version, out var vlen))
        {
            error = "malformed CID version";
            return false;
        }
        if (version != 1)
        {
            error = $"unsupported CID version {version}";
            return false;
        }
        if (!Varint.TryRead(source[vlen..], out var codec, out var clen))
        {
            error = "malformed CID codec";
            return false;
        }
        if (!Multihash.TryRead(source[(vlen + clen)..], out var mh, out var mlen, out error))
            return false;
        cid = V1(codec, mh!);
        consumed = vlen + clen + mlen;
        return true;
    }

    public static Cid FromBytes(ReadOnlySpan<byte> source)
    {
        if (!TryRead(source, out var cid, out var consumed, out var error))
            throw new FormatException($"invalid CID: {error}");
        if (consumed != source.Length)
            throw new FormatException("invalid CID: trailing bytes");
        return cid!;
    }

    /// <summary>Parses the text form; the error names what is wrong for a one-line message to the user.</summary>
    public static bool TryParse(string? text, out Cid? cid, out string? error)
    {
        cid = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty CID";
            return false;
        }
        text = text.Trim();
        if (text.Length > 512)
        {
            error = "CID is too long";
            return false;
        }
        byte[]? bytes;
        if (text.Length == 46 && text.StartsWith("Qm", StringComparison.Ordinal))
        {
            bytes = Multibase.TryDecodeBase58(text);
            if (bytes is null)
            {
                error = "invalid base58 character";
                return false;
            }
            if (!TryRead(bytes, out cid, out var used0, out error) || used0 != bytes.Length || cid!.Version != 0)
            {
                cid = null;
                error ??= "not a CIDv0";
                return false;
            }
            cid._text = text;
            return true;
        }
        bytes = Multibase.TryDecode(text, out error);
        if (bytes is null)
            return false;
        if (!TryRead(bytes, out cid, out var used, out error))
            return false;
        if (used != bytes.Length)
        {
            cid = null;
            error = "trailing bytes after CID";
            return false;
        }
        if (cid!.Version == 0)
        {
            cid = null;
            error = "CIDv0 must be written in bare base58btc";
            return false;
        }
        return true;
    }

    public static Cid Parse(string text)
    {
        if (!TryParse(text, out var cid, out var error))
            throw new FormatException($"invalid CID '{Truncate(text)}': {error}");
        return cid!;
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 64 ? s : s[..64] + "…";

    public override string ToString() => _text ??= Version == 0
        ? Multibase.EncodeBase58(Multihash.Bytes)
        : Multibase.Encode(Multibase.Base32Prefix, Bytes);

    public bool Equals(Cid? other) =>
        other is not null && Version == other.Version && Codec == other.Codec && Multihash.Equals(other.Multihash);

    public override bool Equals(object? obj) => obj is Cid other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Version, Codec, Multihash);

    /// <summary>Orders by binary form, which is how kubo and CAR tooling order CIDs.</summary>
    public int CompareTo(Cid? other) => other is null ? 1 : Bytes.SequenceCompareTo(other.Bytes);

    public static bool operator ==(Cid? a, Cid? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Cid? a, Cid? b) => !(a == b);
}
