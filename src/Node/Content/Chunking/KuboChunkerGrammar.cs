using System.Globalization;
using System.Text;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// The parts of boxo's chunker/parse.go that need care to match exactly: Go's <c>strconv.Atoi</c> (an optional
/// sign, decimal digits, 64-bit range, and its error sentence) and the three spellings of <c>rabin</c> with their
/// checks in kubo's order, so the first complaint is the same one kubo makes.
/// </summary>
internal static class KuboChunkerGrammar
{
    public const string ErrSize = "chunker size must be greater than 0";
    public const string ErrRabinMin = "rabin min must be greater than 16";

    public static readonly string ErrSizeMax =
        $"chunker parameters may not exceed the maximum chunk size of {FixedSizeChunker.MaxSize}";

    /// <summary>Returns null and the value, or Go's error sentence for <paramref name="text"/>.</summary>
    public static string? Atoi(string text, out long value)
    {
        value = 0;
        var digits = text.AsSpan();
        var negative = false;
        if (digits.Length > 0 && (digits[0] == '+' || digits[0] == '-'))
        {
            negative = digits[0] == '-';
            digits = digits[1..];
        }
        if (digits.IsEmpty)
            return Syntax(text);
        ulong magnitude = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
                return Syntax(text);
            if (magnitude > (ulong.MaxValue - 9) / 10)
                return Range(text);
            magnitude = magnitude * 10 + (ulong)(c - '0');
        }
        if (magnitude > (negative ? 1UL << 63 : long.MaxValue))
            return Range(text);
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return null;
    }

    public static string? ParseRabin(string text, out ChunkerSpec? spec)
    {
        spec = null;
        var parts = text.Split('-');
        switch (parts.Length)
        {
            case 1:
                spec = ChunkerSpec.RabinAverage(FixedSizeChunker.DefaultSize);
                return null;
            case 2:
                if (Atoi(parts[1], out var avg) is { } bad)
                    return bad;
                // kubo's check, float32 product and truncation included: 1.5 × avg must fit a chunk.
                if (Math.Truncate((double)((float)avg * 1.5f)) > FixedSizeChunker.MaxSize)
                    return ErrSizeMax;
                spec = ChunkerSpec.RabinAverage((int)avg);
                return null;
            case 4:
                return ParseBounds(parts, out spec);
            default:
                return "incorrect format (expected 'rabin' 'rabin-[avg]' or 'rabin-[min]-[avg]-[max]'";
        }
    }

    private static string? ParseBounds(string[] parts, out ChunkerSpec? spec)
    {
        spec = null;
        if (Labelled(parts[1], "min", "first label must be min", out var min) is { } badMin)
            return badMin;
        if (min < 16)
            return ErrRabinMin;
        if (Labelled(parts[2], "avg", "second label must be avg", out var avg) is { } badAvg)
            return badAvg;
        if (Labelled(parts[3], "max", "final label must be max", out var max) is { } badMax)
            return badMax;
        if (min >= avg)
            return "incorrect format: rabin-min must be smaller than rabin-avg";
        if (avg >= max)
            return "incorrect format: rabin-avg must be smaller than rabin-max";
        if (max > FixedSizeChunker.MaxSize)
            return ErrSizeMax;
        spec = ChunkerSpec.Rabin((int)min, (int)avg, (int)max);
        return null;
    }

    /// <summary>A bound, bare (<c>512</c>) or labelled (<c>min:512</c>); as kubo, the number is after the last colon.</summary>
    private static string? Labelled(string part, string label, string wrongLabel, out long value)
    {
        value = 0;
        var pieces = part.Split(':');
        if (pieces.Length > 1 && pieces[0] != label)
            return wrongLabel;
        return Atoi(pieces[^1], out value);
    }

    private static string Syntax(string text) => $"strconv.Atoi: parsing {Quote(text)}: invalid syntax";

    private static string Range(string text) => $"strconv.Atoi: parsing {Quote(text)}: value out of range";

    /// <summary>Go's %q for the printable text a command line carries; anything else as \u escapes.</summary>
    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\')
                sb.Append('\\').Append(c);
            else if (char.IsControl(c))
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
