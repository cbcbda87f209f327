using System.Globalization;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// One byte range of a <c>Range: bytes=…</c> header (RFC 9110 §14.1.2) resolved against a representation's length:
/// <c>a-b</c>, <c>a-</c> or the suffix <c>-n</c>. Several ranges in one header are not served (the RFC lets a server
/// ignore Range); the whole representation goes out instead.
/// </summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long Last => Offset + Length - 1;

    /// <summary>
    /// Parses <paramref name="header"/> for a representation of <paramref name="size"/> bytes. Returns
    /// <see cref="RangeParse.Ignore"/> for a header that is absent, malformed or names several ranges (serve 200),
    /// <see cref="RangeParse.Unsatisfiable"/> when the single range starts at or past the end (416), and
    /// <see cref="RangeParse.Partial"/> with the clamped range otherwise (206).
    /// </summary>
    public static RangeParse TryParse(string? header, long size, out ByteRange range)
    {
        range = default;
        const string unit = "bytes=";
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith(unit, StringComparison.OrdinalIgnoreCase))
            return RangeParse.Ignore;
        var spec = header.AsSpan(unit.Length).Trim();
        if (spec.Contains(','))
            return RangeParse.Ignore;
        var dash = spec.IndexOf('-');
        if (dash < 0)
            return RangeParse.Ignore;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // A suffix: the last n bytes.
            if (!TryNumber(last, out var suffix))
                return RangeParse.Ignore;
            if (suffix == 0 || size == 0)
                return RangeParse.Unsatisfiable;
            var n = Math.Min(suffix, size);
            range = new ByteRange(size - n, n);
            return RangeParse.Partial;
        }
        if (!TryNumber(first, out var start))
            return RangeParse.Ignore;
        long end;
        if (last.IsEmpty)
            end = size - 1;
        else if (!TryNumber(last, out end) || end < start)
            return RangeParse.Ignore;
        if (start >= size)
            return RangeParse.Unsatisfiable;
        end = Math.Min(end, size - 1);
        range = new ByteRange(start, end - start + 1);
        return RangeParse.Partial;
    }

    private static bool TryNumber(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
