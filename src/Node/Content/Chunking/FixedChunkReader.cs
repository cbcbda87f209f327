namespace P2P.Node.Content.Chunking;

/// <summary>A stream in fixed-size chunks: no state beyond whether the stream has ended.</summary>
internal sealed class FixedChunkReader(Stream source, FixedSizeChunker chunker) : ChunkReader
{
    private bool _ended;

    public override int BufferLength => chunker.Size;

    public override bool IsExhausted => _ended;

    public override async ValueTask<int> ReadChunkAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_ended)
            return 0;
        var read = await chunker.ReadChunkAsync(source, buffer, cancellationToken);
        _ended = read < chunker.Size;
        return read;
    }
}
