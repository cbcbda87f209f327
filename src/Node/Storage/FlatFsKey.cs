using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// File names of kubo's flatfs datastore: since kubo 0.12 a block's key is the RFC 4648 base32 upper-case,
/// unpadded encoding of its multihash, the file is the key plus ".data", and with the default
/// <c>/repo/flatfs/shard/v1/next-to-last/2</c> it sits in the directory named by the two characters before the
/// last one (go-ds-flatfs, shard.go: keys shorter than three characters are padded with '_').
/// </summary>
internal static class FlatFsKey
{
    public const string Extension = ".data";
    public const string ShardingSpec = "/repo/flatfs/shard/v1/next-to-last/2";
    public const int ShardCount = 32 * 32;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The key: base32 upper-case of the multihash bytes, no padding.</summary>
    public static string Encode(ReadOnlySpan<byte> multihash)
    {
        var length = (multihash.Length * 8 + 4) / 5;
        Span<char> chars = length <= 512 ? stackalloc char[length] : new char[length];
        int buffer = 0, bits = 0, o = 0;
        foreach (var b in multihash)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[o++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
            buffer &= (1 << bits) - 1;
        }
        if (bits > 0)
            chars[o] = Alphabet[(buffer << (5 - bits)) & 31];
        return new string(chars);
    }

    /// <summary>The shard directory name for a key (next-to-last/2).</summary>
    public static string Shard(string key)
    {
        if (key.Length < 3)
            key = key.PadLeft(3, '_');
        return key.Substring(key.Length - 3, 2);
    }

    /// <summary>An index in [0, <see cref="ShardCount"/>) for a shard name of two base32 characters, or -1.</summary>
    public static int ShardIndex(string shard)
    {
        var a = Alphabet.IndexOf(shard[0], StringComparison.Ordinal);
        var b = Alphabet.IndexOf(shard[1], StringComparison.Ordinal);
        return a < 0 || b < 0 ? -1 : a * 32 + b;
    }

    /// <summary>Parses a block file name back to its multihash; null if the name is not one we write.</summary>
    public static Multihash? TryDecodeFileName(string fileName)
    {
        if (!fileName.EndsWith(Extension, StringComparison.Ordinal) || fileName.Length <= Extension.Length)
            return null;
        var key = fileName.AsSpan(0, fileName.Length - Extension.Length);
        foreach (var c in key)
        {
            if (Alphabet.IndexOf(c) < 0)
                return null;
        }
        var bytes = Multibase.TryDecodeBase32(key);
        if (bytes is null || !Multihash.TryRead(bytes, out var mh, out var consumed, out _) || consumed != bytes.Length)
            return null;
        return mh;
    }
}
