using System.Buffers;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// Streams for a content-defined chunker: fills the caller's buffer to the chunker's <see
/// cref="IChunkBoundaries.FillLength"/> (the carried-over tail of the last fill first, then the stream), asks where
/// the chunk ends, and keeps what lies past the cut for the next call. One pooled carry buffer per stream; the
/// search itself runs over spans and allocates nothing.
/// </summary>
internal sealed class ContentChunkReader(Stream source, IChunkBoundaries boundaries, string name) : ChunkReader
{
    private byte[]? _carry = ArrayPool<byte>.Shared.Rent(boundaries.FillLength);
    private int _carried;
    private bool _ended;

    public override int BufferLength => boundaries.FillLength;

    public override bool IsExhausted => _ended && _carried == 0;

    public override async ValueTask<int> ReadChunkAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var carry = _carry ?? throw new ObjectDisposedException(nameof(ContentChunkReader));
        var fill = boundaries.FillLength;
        if (buffer.Length < fill)
            throw new ArgumentException($"the buffer must hold {fill} bytes", nameof(buffer));
        carry.AsSpan(0, _carried).CopyTo(buffer.Span);
        var filled = _carried;
        _carried = 0;
        if (!_ended && filled < fill)
        {
            // ReadAtLeast returns short only at the end of the stream; a pipe's short reads are retried.
            var read = await source.ReadAtLeastAsync(buffer[filled..fill], fill - filled, throwOnEndOfStream: false, cancellationToken);
            filled += read;
            _ended = filled < fill;
        }
        if (filled == 0)
            return 0;
        var cut = boundaries.FindCut(buffer.Span[..filled], _ended);
        if (cut < 0)
            throw new ArgumentException(
                $"chunker '{name}' makes the whole file one chunk (its minimum is below the 16-byte window), "
                + $"and this file is larger than the {FixedSizeChunker.MaxSize}-byte chunk limit");
        buffer.Span[cut..filled].CopyTo(carry);
        _carried = filled - cut;
        return cut;
    }

    protected override void Dispose(bool disposing)
    {
        if (_carry is { } carry)
        {
            _carry = null;
            ArrayPool<byte>.Shared.Return(carry);
        }
        base.Dispose(disposing);
    }
}
