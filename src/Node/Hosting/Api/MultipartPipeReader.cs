using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// Reads a <c>multipart/form-data</c> body (RFC 2046 section 5.1.1, RFC 7578) straight from the request's
/// <see cref="PipeReader"/>: a part's data is copied once, from the transport's receive blocks into the reader's
/// buffer (the importer's chunk), and the delimiter <c>CRLF--boundary</c> is found with a vectorised search of the
/// whole delimiter over each block, plus a check of the block's last bytes for a delimiter cut across two blocks.
/// ASP.NET's <c>MultipartReader</c> copied every byte twice (pipe → its own buffer → the chunk) and compared the
/// boundary from each CR: 8.3 % of the daemon's samples in memmove and 3 % in the scan (docs/perf/add-path.md).
/// Bounded: a part's headers may take <see cref="HeadersLengthLimit"/> bytes and <see cref="HeadersCountLimit"/>
/// lines; a part's data is never held beyond what the pipe holds, except up to a delimiter's length while telling
/// whether the next bytes are the delimiter. A malformed body throws a <see cref="FormatException"/> of one line.
/// Not thread-safe: one request reads it, one part at a time.
/// </summary>
public sealed class MultipartPipeReader
{
    /// <summary>RFC 2046's longest boundary.</summary>
    public const int MaxBoundaryLength = 70;

    /// <summary>The header block of one part, as ASP.NET's reader bounds it (16 KiB, 16 lines).</summary>
    public const int HeadersLengthLimit = 16 * 1024;

    public const int HeadersCountLimit = 16;

    private readonly PipeReader _body;

    /// <summary>CRLF "--" boundary: what ends a part's data. The body's first delimiter may lack the CRLF.</summary>
    private readonly byte[] _delimiter;

    /// <summary>The part being read, whose data must be skipped before the next part's headers.</summary>
    private MultipartPart? _current;

    private bool _started;
    private bool _done;

    public MultipartPipeReader(PipeReader body, string boundary)
    {
        if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength || !Ascii.IsValid(boundary))
            throw new FormatException($"multipart boundary of {boundary?.Length ?? 0} characters: expected 1 to {MaxBoundaryLength} ASCII characters");
        _body = body;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
    }

    /// <summary>The next part, its headers read and its data ready in <see cref="MultipartPart.Body"/>; null after the last.</summary>
    public async ValueTask<MultipartPart?> ReadNextPartAsync(CancellationToken ct)
    {
        if (_done)
            return null;
        if (_current is { } previous)
        {
            // Whatever the caller left unread (a skipped hidden file) is passed over without a copy.
            await previous.SkipRestAsync(ct);
            _current = null;
        }
        else if (!_started)
        {
            await ReadFirstDelimiterAsync(ct);
        }
        _started = true;
        if (await ReadBoundaryLineEndAsync(ct))
        {
            _done = true;
            return null;
        }
        var (disposition, type) = await ReadHeadersAsync(ct);
        _current = new MultipartPart(new MultipartPartStream(this), disposition, type);
        return _current;
    }

    /// <summary>
    /// Copies the current part's data into <paramref name="destination"/> (an empty one: skips it); returns 0 once the
    /// delimiter that ends the part has been read.
    /// </summary>
    internal async ValueTask<int> ReadDataAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (true)
        {
            var result = await _body.ReadAsync(ct);
            if (result.IsCanceled)
                throw new OperationCanceledException("the multipart read was cancelled");
            var buffer = result.Buffer;
            var data = DelimiterScan.DataBefore(buffer, _delimiter, out var found);
            if (data > 0)
            {
                var n = destination.IsEmpty ? data : Math.Min(data, destination.Length);
                if (!destination.IsEmpty)
                    buffer.Slice(0, n).CopyTo(destination.Span);
                _body.AdvanceTo(buffer.GetPosition(n));
                if (!destination.IsEmpty)
                    return (int)n;
                continue;
            }
            if (found)
            {
                _body.AdvanceTo(buffer.GetPosition(_delimiter.Length));
                return 0;
            }
            if (result.IsCompleted)
                throw new FormatException("the multipart body ended inside a part, before its closing boundary");
            // The first bytes may begin the delimiter: wait for enough to tell.
            _body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// The body's first delimiter, "--boundary" with no CRLF before it (RFC 2046: the CRLF belongs to the preamble,
    /// which may be empty). A preamble, if any, is skipped up to the first full delimiter.
    /// </summary>
    private async ValueTask ReadFirstDelimiterAsync(CancellationToken ct)
    {
        var first = _delimiter.AsMemory(2);
        while (true)
        {
            var result = await _body.ReadAsync(ct);
            var buffer = result.Buffer;
            if (buffer.Length >= first.Length || result.IsCompleted)
            {
                if (buffer.Length >= first.Length && StartsWith(buffer, first.Span))
                {
                    _body.AdvanceTo(buffer.GetPosition(first.Length));
                    return;
                }
                _body.AdvanceTo(buffer.Start);
                break;
            }
            _body.AdvanceTo(buffer.Start, buffer.End);
        }
        try
        {
            // An empty destination skips up to the delimiter.
            await ReadDataAsync(Memory<byte>.Empty, ct);
        }
        catch (FormatException)
        {
            throw new FormatException("the multipart body holds no boundary line: is the Content-Type's boundary the one the body uses?");
        }
    }

    /// <summary>After a delimiter: "--" closes the body (true); otherwise optional spaces or tabs and CRLF (false).</summary>
    private async ValueTask<bool> ReadBoundaryLineEndAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _body.ReadAsync(ct);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.IsNext("--"u8, advancePast: true))
            {
                // The epilogue after the close delimiter is not read: RFC 2046 says to ignore it.
                _body.AdvanceTo(reader.Position);
                return true;
            }
            // RFC 2046's transport padding: spaces and tabs may follow a boundary before its CRLF.
            reader.AdvancePastAny((byte)' ', (byte)'\t');
            if (reader.IsNext("\r\n"u8, advancePast: true))
            {
                _body.AdvanceTo(reader.Position);
                return false;
            }
            if (result.IsCompleted)
                throw new FormatException("the multipart body ended after a boundary, without CRLF or the closing \"--\"");
            if (reader.Remaining >= 2 || reader.Consumed > MaxBoundaryLength)
                throw new FormatException("a multipart boundary line goes on past the boundary: expected CRLF or \"--\"");
            _body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>A part's header lines up to the empty line; keeps Content-Disposition and Content-Type, ignores the rest (kubo's Abspath).</summary>
    private async ValueTask<(string? Disposition, string? Type)> ReadHeadersAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _body.ReadAsync(ct);
            var buffer = result.Buffer;
            if (PartHeaders.TryParse(buffer, HeadersLengthLimit, HeadersCountLimit, out var end, out var disposition, out var type))
            {
                _body.AdvanceTo(end);
                return (disposition, type);
            }
            _body.AdvanceTo(buffer.Start, buffer.End);
            if (buffer.Length > HeadersLengthLimit)
                throw new FormatException($"a multipart part's headers go on past {HeadersLengthLimit} bytes");
            if (result.IsCompleted)
                throw new FormatException("the multipart body ended inside a part's headers");
        }
    }

    private static bool StartsWith(ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> prefix)
    {
        var reader = new SequenceReader<byte>(buffer);
        return reader.IsNext(prefix);
    }
}
