using System.Buffers;
using System.Runtime.InteropServices;

namespace P2P.Node.Transport;

/// <summary>
/// One pooled receive buffer and everyone still reading from it: the inbound message, and whoever kept a
/// <see cref="PayloadLease"/> (a fetched block on its way through the verifier, the store and the exporter).
/// Reference-counted: the array goes back to its <see cref="ReceiveBufferPool"/> when the last holder lets go, exactly
/// once. Memory handed out is backed by this manager, not by the array, so every <c>Span</c> taken from it (or from
/// a slice of it) after the return throws <see cref="ObjectDisposedException"/> instead of reading the next record.
/// Thread-safe: the count and the array are swapped with Interlocked.
/// </summary>
internal sealed class ReceiveBuffer : MemoryManager<byte>
{
    private readonly ReceiveBufferPool _pool;

    /// <summary>Null once returned to the pool; read without a lock, cleared once with Interlocked.</summary>
    private byte[]? _array;

    /// <summary>Holders; starts at one (the inbound message). Changed only with Interlocked.</summary>
    private int _references = 1;

    public ReceiveBuffer(ReceiveBufferPool pool, byte[] array)
    {
        _pool = pool;
        _array = array;
    }

    /// <summary>True once the array went back to the pool.</summary>
    public bool Returned => Volatile.Read(ref _array) is null;

    /// <summary>Holders now (tests).</summary>
    public int References => Volatile.Read(ref _references);

    /// <summary>Adds a holder; throws when the buffer already went back (a holder appearing after the last one left is a bug).</summary>
    public PayloadLease Retain()
    {
        var count = Volatile.Read(ref _references);
        while (true)
        {
            if (count <= 0)
                throw new ObjectDisposedException(nameof(ReceiveBuffer), "the receive buffer already went back to its pool");
            var seen = Interlocked.CompareExchange(ref _references, count + 1, count);
            if (seen == count)
                return new PayloadLease(this);
            count = seen;
        }
    }

    /// <summary>One holder leaves; the last one gives the array back. Called once per holder (leases and messages guard that).</summary>
    public void ReleaseReference()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left > 0)
            return;
        if (left < 0)
            throw new InvalidOperationException("a receive buffer was released more often than it was held");
        if (Interlocked.Exchange(ref _array, null) is { } array)
            _pool.Return(array);
    }

    public override Span<byte> GetSpan() => Live();

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var array = Live();
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)array.Length, nameof(elementIndex));
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        unsafe
        {
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle);
        }
    }

    public override void Unpin()
    {
        // The GCHandle in the MemoryHandle is freed by its own Dispose.
    }

    /// <summary>
    /// The array while held, so streams that write from arrays need not copy (they use it within the call);
    /// throws once returned, like <see cref="GetSpan"/>.
    /// </summary>
    protected override bool TryGetArray(out ArraySegment<byte> segment)
    {
        segment = new ArraySegment<byte>(Live());
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        // Holders release through ReleaseReference; MemoryManager's IDisposable is not a way to return the buffer.
    }

    private byte[] Live() =>
        Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(ReceiveBuffer), "the receive buffer already went back to its pool");
}
