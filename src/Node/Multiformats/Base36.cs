namespace P2P.Node.Multiformats;

/// <summary>
/// Multibase base36 (prefix 'k' lower-case, 'K' upper-case): the form kubo prints IPNS names and libp2p keys in
/// (<c>k51…</c>), short enough for a DNS label. A big-number conversion like base58's, with each leading zero byte
/// written as one '0' (the go-multibase and js-multiformats convention). Decoding is case-insensitive, as the
/// multibase table says of base36. Hand-written for the reason <see cref="Multibase"/> gives.
/// </summary>
public static class Base36
{
    public const char Prefix = 'k';
    public const char UpperPrefix = 'K';

    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>Longest input accepted, so a hostile string cannot cost quadratic time; CIDs are far shorter.</summary>
    public const int MaxEncodedLength = 1024;

    /// <summary>The lower-case base36 text of <paramref name="data"/>, without the multibase prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
            zeros++;
        // log(256) / log(36) = 1.5474: digits needed per byte, rounded up.
        var size = (data.Length - zeros) * 155 / 100 + 1;
        Span<byte> digits = size <= 512 ? stackalloc byte[size] : new byte[size];
        var length = 0;
        for (var i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % 36);
                carry /= 36;
            }
            length = j;
        }
        var start = size - length;
        while (start < size && digits[start] == 0)
            start++;
        var chars = new char[zeros + size - start];
        chars.AsSpan(0, zeros).Fill('0');
        for (var i = start; i < size; i++)
            chars[zeros + i - start] = Alphabet[digits[i]];
        return new string(chars);
    }

    /// <summary>The bytes of base36 text without its prefix (either case); null when a character is not base36.</summary>
    public static byte[]? TryDecode(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxEncodedLength)
            return null;
        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '0')
            zeros++;
        // log(36) / log(256) = 0.6462 bytes per digit, rounded up.
        var size = (text.Length - zeros) * 647 / 1000 + 1;
        Span<byte> bytes = size <= 512 ? stackalloc byte[size] : new byte[size];
        var length = 0;
        for (var i = zeros; i < text.Length; i++)
        {
            var v = Digit(text[i]);
            if (v < 0)
                return null;
            var carry = v;
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 36 * bytes[k];
                bytes[k] = (byte)(carry & 0xFF);
                carry >>= 8;
            }
            length = j;
        }
        var start = size - length;
        while (start < size && bytes[start] == 0)
            start++;
        var result = new byte[zeros + size - start];
        bytes[start..].CopyTo(result.AsSpan(zeros));
        return result;
    }

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };
}
