namespace P2P.Node.Multiformats;

/// <summary>
/// The two multibase encodings p2p speaks: base32 lower-case without padding (prefix 'b', the CIDv1 default)
/// and base58btc (prefix 'z', and the bare form of CIDv0 and PeerIds). Hand-written because both are a few
/// dozen lines and the NuGet multiformats ports are unmaintained.
/// </summary>
public static class Multibase
{
    public const char Base32Prefix = 'b';
    public const char Base58BtcPrefix = 'z';

    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly sbyte[] Base32Index = BuildIndex(Base32Alphabet, caseInsensitive: true);
    private static readonly sbyte[] Base58Index = BuildIndex(Base58Alphabet, caseInsensitive: false);

    /// <summary>Encodes with the multibase prefix.</summary>
    public static string Encode(char prefix, ReadOnlySpan<byte> data) => prefix switch
    {
        Base32Prefix => Base32Prefix + EncodeBase32(data),
        Base58BtcPrefix => Base58BtcPrefix + EncodeBase58(data),
        Base36.Prefix => Base36.Prefix + Base36.Encode(data),
        _ => throw new ArgumentException($"unsupported multibase prefix '{prefix}'", nameof(prefix)),
    };

    /// <summary>Decodes a prefixed multibase string; returns null with an error message when malformed.</summary>
    public static byte[]? TryDecode(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty multibase string";
            return null;
        }
        var body = text.AsSpan(1);
        byte[]? result = text[0] switch
        {
            Base32Prefix => TryDecodeBase32(body),
            'B' => TryDecodeBase32(body),
            Base58BtcPrefix => TryDecodeBase58(body),
            Base36.Prefix or Base36.UpperPrefix => Base36.TryDecode(body),
            _ => null,
        };
        if (result is null)
        {
            error = text[0] is Base32Prefix or 'B' or Base58BtcPrefix or Base36.Prefix or Base36.UpperPrefix
                ? $"invalid character in {text[0] switch { Base58BtcPrefix => "base58btc", Base36.Prefix or Base36.UpperPrefix => "base36", _ => "base32" }} string"
                : $"unsupported multibase prefix '{text[0]}'";
        }
        return result;
    }

    public static string EncodeBase32(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, o = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[o++] = Base32Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        if (bits > 0)
            chars[o++] = Base32Alphabet[(buffer << (5 - bits)) & 31];
        return new string(chars, 0, o);
    }

    public static byte[]? TryDecodeBase32(ReadOnlySpan<char> text)
    {
        // A final group of 1, 3 or 6 characters cannot come from any byte count (RFC 4648 §6): it would spell
        // the same bytes as the string without its last character, so refuse it as other decoders do.
        if ((text.Length % 8) is 1 or 3 or 6)
            return null;
        var output = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, o = 0;
        foreach (var c in text)
        {
            var v = c < 128 ? Base32Index[c] : (sbyte)-1;
            if (v < 0)
                return null;
            buffer = (buffer << 5) | (byte)v;
            bits += 5;
            if (bits >= 8)
            {
                output[o++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
            buffer &= (1 << bits) - 1;
        }
        // Left-over bits must be zero padding, else the string was not produced by an encoder.
        return buffer != 0 ? null : output;
    }

    public static string EncodeBase58(ReadOnlySpan<byte> data) => BigRadix.Encode(data, Base58Alphabet);

    public static byte[]? TryDecodeBase58(ReadOnlySpan<char> text) =>
        BigRadix.Decode(text, Base58Alphabet.Length, Base58Alphabet[0], static c => c < 128 ? Base58Index[c] : -1);

    private static sbyte[] BuildIndex(string alphabet, bool caseInsensitive)
    {
        var index = new sbyte[128];
        Array.Fill(index, (sbyte)-1);
        for (var i = 0; i < alphabet.Length; i++)
        {
            index[alphabet[i]] = (sbyte)i;
            if (caseInsensitive)
                index[char.ToUpperInvariant(alphabet[i])] = (sbyte)i;
        }
        return index;
    }
}
