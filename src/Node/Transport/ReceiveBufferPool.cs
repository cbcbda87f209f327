namespace P2P.Node.Transport;

/// <summary>
/// A small, bounded pool of receive buffers for sealed bulk records. Each 256 KiB block used to be decrypted into a
/// fresh large-object array, and a fresh array's pages fault in on first touch (a sixth of the fetching daemon's CPU,
/// docs/PERF-PRODUCT.md section 1). A record is read into a pooled buffer, decrypted in place and decoded from it;
/// whatever the decoder keeps it copies, so the buffer comes back as soon as the message is handled.
/// At most <see cref="MaxRetained"/> buffers of <see cref="BufferSize"/> bytes are kept (a few MB, so an idle daemon's
/// RSS still falls after a burst); a larger record, or one rented while the pool is empty, gets a plain array, and a
/// buffer returned to a full pool is left to the collector. Thread-safe: the free list is guarded by a lock.
/// </summary>
public sealed class ReceiveBufferPool(int bufferSize = ReceiveBufferPool.DefaultBufferSize, int maxRetained = ReceiveBufferPool.DefaultMaxRetained)
{
    /// <summary>A sealed record of a 256 KiB block with room for its envelope, rounded to whole pages.</summary>
    public const int DefaultBufferSize = (256 + 8) * 1024;

    /// <summary>Enough for the bulk readers and the router to each hold a record or two; ~4 MB.</summary>
    public const int DefaultMaxRetained = 16;

    /// <summary>Guards <see cref="_free"/>.</summary>
    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _free = new();

    public int BufferSize { get; } = bufferSize;

    public int MaxRetained { get; } = maxRetained;

    /// <summary>Buffers held for reuse now (tests).</summary>
    public int Retained
    {
        get
        {
            lock (_gate)
                return _free.Count;
        }
    }

    /// <summary>A buffer of at least <paramref name="length"/> bytes, owned by the caller until it is returned.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > BufferSize)
            return GC.AllocateUninitializedArray<byte>(length);
        lock (_gate)
        {
            if (_free.TryPop(out var buffer))
                return buffer;
        }
        return GC.AllocateUninitializedArray<byte>(BufferSize);
    }

    /// <summary>Takes a buffer back; the caller must not touch it afterwards. Buffers of another size are not kept.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length != BufferSize)
            return;
        lock (_gate)
        {
            // A second return of the same buffer would hand it to two renters at once: keep it only once.
            if (_free.Count < MaxRetained && !_free.Contains(buffer))
                _free.Push(buffer);
        }
    }
}
