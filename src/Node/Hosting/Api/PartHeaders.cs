using System.Buffers;
using System.Text;

namespace P2P.Node.Hosting.Api;

/// <summary>A multipart part's header block (RFC 7578 section 4.8: Content-Disposition, Content-Type; others ignored).</summary>
internal static class PartHeaders
{
    /// <summary>
    /// Parses the header lines at the start of <paramref name="buffer"/> up to the empty line; false when the block is
    /// not all there yet. Throws a one-line <see cref="FormatException"/> for a line with no name, more than
    /// <paramref name="countLimit"/> lines or a block past <paramref name="lengthLimit"/> bytes.
    /// </summary>
    public static bool TryParse(in ReadOnlySequence<byte> buffer, int lengthLimit, int countLimit,
        out SequencePosition end, out string? disposition, out string? type)
    {
        end = buffer.Start;
        disposition = null;
        type = null;
        var reader = new SequenceReader<byte>(buffer);
        var count = 0;
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
        {
            if (reader.Consumed > lengthLimit)
                throw new FormatException($"a multipart part's headers go on past {lengthLimit} bytes");
            if (line.IsEmpty)
            {
                end = reader.Position;
                return true;
            }
            if (++count > countLimit)
                throw new FormatException($"a multipart part has more than {countLimit} header lines");
            var text = Encoding.UTF8.GetString(line);
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw new FormatException("a multipart header line has no name: expected \"Name: value\"");
            var name = text.AsSpan(0, colon).Trim();
            var value = text[(colon + 1)..].Trim();
            if (name.Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase))
                disposition = value;
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                type = value;
        }
        return false;
    }
}
