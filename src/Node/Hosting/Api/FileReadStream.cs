using P2P.Node.Content.Exporting;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// A UnixFS file as a read-only stream, pulled from the exporter piece by piece (bounded memory), for
/// <see cref="System.Formats.Tar.TarWriter"/>: it reports the file's length, which the tar header needs before
/// the data, and claims to seek only so the writer reads that length; any real seek is refused. Async reads only.
/// </summary>
internal sealed class FileReadStream(UnixFsExporter exporter, Cid cid, long length, CancellationToken ct) : Stream
{
    private IAsyncEnumerator<ReadOnlyMemory<byte>>? _parts;
    private ReadOnlyMemory<byte> _current;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set
        {
            if (value != _position)
                throw new NotSupportedException("this stream reads forward only");
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _parts ??= exporter.ReadFileAsync(cid, 0, null, ct).GetAsyncEnumerator(ct);
        while (_current.IsEmpty)
        {
            if (!await _parts.MoveNextAsync())
                return 0;
            _current = _parts.Current;
        }
        var n = Math.Min(buffer.Length, _current.Length);
        _current[..n].CopyTo(buffer);
        _current = _current[n..];
        _position += n;
        return n;
    }

    /// <summary>
    /// TarWriter copies an entry's data with this. The exporter's pieces (a block each) go to
    /// <paramref name="destination"/> as they are, not through the base class's 80 KiB buffer: one copy fewer, and
    /// the response gets a block per write, so a flush per block (ResponseBodyStream) rather than per 80 KiB.
    /// </summary>
    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _parts ??= exporter.ReadFileAsync(cid, 0, null, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            // A piece stays valid until the next is asked for, and the write is done with it by then.
            if (!_current.IsEmpty)
            {
                await destination.WriteAsync(_current, cancellationToken);
                _position += _current.Length;
                _current = default;
            }
            if (!await _parts.MoveNextAsync())
                return;
            _current = _parts.Current;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("read this stream asynchronously");

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        Position = target;
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_parts is not null)
            await _parts.DisposeAsync();
        await base.DisposeAsync();
    }
}
