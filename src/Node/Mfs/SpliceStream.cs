using P2P.Node.Content.Exporting;
using P2P.Node.Multiformats;

namespace P2P.Node.Mfs;

/// <summary>
/// The bytes of a file after a `files write`, read once in order without holding the file: the old bytes before
/// the offset, zeros where the offset lies past the old end (as boxo's DagModifier pads), the new data (at most
/// <c>count</c> bytes), then the old bytes after what the data covered. The importer chunks this stream into the
/// new file, so memory stays bounded by its window whatever the file's size.
/// </summary>
internal sealed class SpliceStream : Stream
{
    private readonly UnixFsExporter _exporter;
    private readonly Cid? _old;
    private readonly long _oldSize;
    private readonly long _offset;
    private readonly Stream _data;
    private readonly CancellationToken _ct;
    private long? _dataLeft;
    private long _zeros;
    private int _stage;
    private IAsyncEnumerator<ReadOnlyMemory<byte>>? _pieces;
    private ReadOnlyMemory<byte> _piece;

    /// <param name="old">The file now (null for a new or truncated file) and its size.</param>
    public SpliceStream(UnixFsExporter exporter, Cid? old, long oldSize, long offset, Stream data, long? count, CancellationToken ct)
    {
        _exporter = exporter;
        _old = old;
        _oldSize = old is null ? 0 : oldSize;
        _offset = offset;
        _data = data;
        _dataLeft = count;
        _zeros = Math.Max(0, offset - _oldSize);
        _ct = ct;
    }

    /// <summary>Bytes of new data taken so far.</summary>
    public long Written { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), _ct).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        while (true)
        {
            switch (_stage)
            {
                case 0: // the old bytes before the offset
                    if (await NextPieceAsync(0, Math.Min(_offset, _oldSize)) is not null)
                        return Copy(buffer);
                    _stage = 1;
                    break;
                case 1: // zeros past the old end
                    if (_zeros > 0)
                    {
                        var z = (int)Math.Min(_zeros, buffer.Length);
                        buffer.Span[..z].Clear();
                        _zeros -= z;
                        return z;
                    }
                    _stage = 2;
                    break;
                case 2: // the new data
                    if (_dataLeft is not 0)
                    {
                        var want = (int)Math.Min(buffer.Length, _dataLeft ?? int.MaxValue);
                        var read = await _data.ReadAsync(buffer[..want], cancellationToken);
                        if (read > 0)
                        {
                            Written += read;
                            _dataLeft -= read;
                            return read;
                        }
                    }
                    _stage = 3;
                    await DisposePiecesAsync();
                    break;
                case 3: // the old bytes after what the data covered
                    var from = _offset + Written;
                    if (from < _oldSize && await NextPieceAsync(from, _oldSize) is not null)
                        return Copy(buffer);
                    _stage = 4;
                    break;
                default:
                    return 0;
            }
        }
    }

    /// <summary>Makes <see cref="_piece"/> non-empty from the old file's range, or returns null at its end.</summary>
    private async Task<int?> NextPieceAsync(long start, long end)
    {
        if (!_piece.IsEmpty)
            return _piece.Length;
        if (_old is null || start >= end)
            return null;
        _pieces ??= _exporter.ReadFileAsync(_old, start, end - start, _ct).GetAsyncEnumerator(_ct);
        while (await _pieces.MoveNextAsync())
        {
            _piece = _pieces.Current;
            if (!_piece.IsEmpty)
                return _piece.Length;
        }
        await DisposePiecesAsync();
        return null;
    }

    private int Copy(Memory<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _piece.Length);
        _piece[..n].CopyTo(buffer);
        _piece = _piece[n..];
        return n;
    }

    private async ValueTask DisposePiecesAsync()
    {
        _piece = default;
        if (_pieces is not null)
            await _pieces.DisposeAsync();
        _pieces = null;
    }

    public override async ValueTask DisposeAsync()
    {
        await DisposePiecesAsync();
        await base.DisposeAsync();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
