using System.Buffers;

namespace P2P.Node.Hosting.Api;

/// <summary>Where a multipart delimiter is in the bytes a pipe holds, for <see cref="MultipartPipeReader"/>.</summary>
internal static class DelimiterScan
{
    /// <summary>The longest delimiter: CRLF "--" and a boundary of RFC 2046's 70 characters.</summary>
    public const int MaxDelimiterLength = 4 + MultipartPipeReader.MaxBoundaryLength;

    /// <summary>
    /// How many bytes from the start of <paramref name="buffer"/> are surely data: every byte of the first (non-empty)
    /// segment when no delimiter can begin there, else the bytes before it. <paramref name="found"/> tells whether the
    /// delimiter was seen whole right after them; when it is false and 0 is returned, the first bytes begin the
    /// delimiter and more must be read to tell. The search is one vectorised <c>IndexOf</c> of the whole delimiter
    /// over the segment; only a delimiter cut by the segment's end (its last bytes start with CR) is compared piece
    /// by piece, across the following segments.
    /// </summary>
    public static long DataBefore(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> delimiter, out bool found)
    {
        var first = buffer.FirstSpan;
        if (first.IsEmpty && !buffer.IsSingleSegment)
        {
            foreach (var segment in buffer)
            {
                if (!segment.IsEmpty)
                {
                    first = segment.Span;
                    break;
                }
            }
        }
        var at = first.IndexOf(delimiter);
        found = at >= 0;
        if (found)
            return at;
        Span<byte> window = stackalloc byte[MaxDelimiterLength];
        // A delimiter not wholly in this segment can only begin in its last (length - 1) bytes.
        var from = Math.Max(0, first.Length - delimiter.Length + 1);
        while (true)
        {
            var cr = first[from..].IndexOf(delimiter[0]);
            if (cr < 0)
                return first.Length;
            var start = from + cr;
            if (first[start..].SequenceEqual(delimiter[..(first.Length - start)]))
            {
                var rest = buffer.Slice(start);
                var compared = (int)Math.Min(rest.Length, delimiter.Length);
                rest.Slice(0, compared).CopyTo(window);
                if (window[..compared].SequenceEqual(delimiter[..compared]))
                {
                    found = compared == delimiter.Length;
                    return start;
                }
            }
            from = start + 1;
        }
    }
}
