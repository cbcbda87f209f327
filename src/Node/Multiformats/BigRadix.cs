namespace P2P.Node.Multiformats;

/// <summary>
/// The big-number conversion behind base58btc and base36: the bytes (after their leading zeros) read as one number
/// and written in the alphabet's radix, each leading zero byte written as the alphabet's first character. Quadratic
/// in the length, which callers bound. Hand-written for the reason <see cref="Multibase"/> gives.
/// </summary>
internal static class BigRadix
{
    /// <summary>The text of <paramref name="data"/> in <paramref name="alphabet"/> (its length is the radix).</summary>
    public static string Encode(ReadOnlySpan<byte> data, string alphabet)
    {
        var radix = alphabet.Length;
        var zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
            zeros++;
        // Digits needed per byte: log(256) / log(radix), rounded up.
        var size = (int)Math.Ceiling((data.Length - zeros) * Math.Log(256) / Math.Log(radix)) + 1;
        Span<byte> digits = size <= 512 ? stackalloc byte[size] : new byte[size];
        var length = 0;
        for (var i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % radix);
                carry /= radix;
            }
            length = j;
        }
        var start = size - length;
        while (start < size && digits[start] == 0)
            start++;
        var chars = new char[zeros + size - start];
        chars.AsSpan(0, zeros).Fill(alphabet[0]);
        for (var i = start; i < size; i++)
            chars[zeros + i - start] = alphabet[digits[i]];
        return new string(chars);
    }

    /// <summary>
    /// The bytes of <paramref name="text"/>, whose characters <paramref name="digitOf"/> maps to digits of
    /// <paramref name="radix"/> (-1: not a digit, and the result is null); <paramref name="zero"/> is the digit 0's
    /// character, each leading one a zero byte.
    /// </summary>
    public static byte[]? Decode(ReadOnlySpan<char> text, int radix, char zero, Func<char, int> digitOf)
    {
        var zeros = 0;
        while (zeros < text.Length && text[zeros] == zero)
            zeros++;
        // Bytes needed per digit: log(radix) / log(256), rounded up.
        var size = (int)Math.Ceiling((text.Length - zeros) * Math.Log(radix) / Math.Log(256)) + 1;
        Span<byte> bytes = size <= 512 ? stackalloc byte[size] : new byte[size];
        var length = 0;
        for (var i = zeros; i < text.Length; i++)
        {
            var carry = digitOf(text[i]);
            if (carry < 0)
                return null;
            var j = 0;
            for (var k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += radix * bytes[k];
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
}
