namespace P2P.Node.Content.Chunking;

/// <summary>
/// One stream cut into chunks, one chunk per call, in file order. Made by <see cref="ChunkerSpec.Open"/>; a
/// content-defined reader carries the bytes read past a cut over to the next chunk, so it belongs to one stream.
/// </summary>
public abstract class ChunkReader : IDisposable
{
    /// <summary>The size of buffer <see cref="ReadChunkAsync"/> needs: the largest chunk, sometimes a byte more.</summary>
    public abstract int BufferLength { get; }

    /// <summary>True once the stream has ended and every byte read from it has been handed out.</summary>
    public abstract bool IsExhausted { get; }

    /// <summary>
    /// Copies the next chunk to the start of <paramref name="buffer"/> (at least <see cref="BufferLength"/> bytes)
    /// and returns its length; 0 when no bytes are left.
    /// </summary>
    public abstract ValueTask<int> ReadChunkAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
