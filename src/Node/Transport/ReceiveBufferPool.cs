namespace P2P.Node.Transport;

/// <summary>
/// A bounded pool of receive buffers for sealed bulk records. Each 256 KiB block used to be decrypted into a fresh
/// large-object array, and a fresh array's pages fault in on first touch (docs/PERF-PRODUCT.md section 1). A record
/// is read into a pooled buffer and decrypted in place; a fetched block then stays in that buffer (shared through a
/// <see cref="ReceiveBuffer"/>) through verification, the store and the exporter, and the buffer comes back when the
/// last holder lets go (docs/perf/fetch-path.md, "One array per fetched block").
/// At most <see cref="MaxRetained"/> buffers of <see cref="BufferSize"/> bytes are kept; a larger record, or one rented
/// while the pool is empty, gets a plain array, and a buffer returned to a full pool is left to the collector.
/// Thread-safe: the free list is guarded by a lock.
/// </summary>
public sealed class ReceiveBufferPool(int bufferSize = ReceiveBufferPool.DefaultBufferSize, int maxRetained = ReceiveBufferPool.DefaultMaxRetained)
{
    /// <summary>A sealed record of a 256 KiB block with room for its envelope, rounded to whole pages.</summary>
    public const int DefaultBufferSize = (256 + 8) * 1024;

    /// <summary>
    /// A fetch holds a block from its arrival until the exporter has streamed it: up to its read-ahead (64 blocks,
    /// <c>Daemon.FetchReadAhead</c>) plus the records queued before the router. 96 buffers (~25 MB) cover one fetch
    /// with room, so a steady fetch rents without allocating; the figure is measured in docs/perf/fetch-path.md.
    /// </summary>
    public const int DefaultMaxRetained = 96;

    /// <summary>Guards <see cref="_free"/>.</summary>
    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _free = new();

    /// <summary>Counts fresh buffers; changed with Interlocked.</summary>
    private long _allocated;

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

    /// <summary>Buffers of <see cref="BufferSize"/> allocated because the pool was empty (tests, benchmarks); read with Interlocked.</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

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
        Interlocked.Increment(ref _allocated);
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
