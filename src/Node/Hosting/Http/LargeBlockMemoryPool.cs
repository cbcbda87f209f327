using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace P2P.Node.Hosting.Http;

/// <summary>
/// The memory Kestrel's socket transport receives into and sends from, in blocks of <see cref="BlockSize"/> bytes
/// instead of its own 4 KiB. The transport asks its pipe for memory and hands the socket whatever one block holds,
/// so 4 KiB blocks cost a <c>recv</c> (and a zero-byte <c>recv</c> to wait for data) per 4 KiB of a request body:
/// about half a million syscalls per GiB added through the API, each paying this VM's paravirtual interrupt toggle
/// (docs/perf/add-path.md). Blocks are pinned arrays (the socket never pins them per call); up to
/// <see cref="MaxRetained"/> returned blocks are kept for the next rental and any beyond that are left to the GC, so
/// what the pool holds is bounded whatever the load. Each rental is its own owner object: returning it twice, or
/// reading its memory after returning it, throws instead of handing one block to two users.
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    /// <summary>Block size: a loopback TCP segment can carry 64 KiB, so one receive takes what one send put in.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept at most (4 MiB): enough for a few busy connections, each of which holds at most
    /// Kestrel's request and response buffer limits.</summary>
    public const int MaxRetained = 64;

    /// <summary>Returned blocks waiting for the next rental; its count is kept in <see cref="_free"/>'s own Count.</summary>
    private readonly ConcurrentQueue<byte[]> _free = new();

    /// <summary>Set once by <see cref="Dispose(bool)"/>: blocks returned afterwards are dropped.</summary>
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks ready for reuse (for tests).</summary>
    public int FreeCount => _free.Count;

    /// <summary>A block of <see cref="BlockSize"/> bytes, whatever smaller size is asked (-1: the default).</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var array = _free.TryDequeue(out var reused) ? reused : GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
        return new Rental(this, array);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    private void Return(byte[] array)
    {
        // Count is a snapshot, so under a race the queue may pass the cap by a block or two; it never grows unbounded.
        if (!_disposed && _free.Count < MaxRetained)
            _free.Enqueue(array);
    }

    /// <summary>One rental of a block: the only way to reach it, cut off once returned.</summary>
    private sealed class Rental(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        /// <summary>The block until returned; null after, swapped atomically so two returns cannot both succeed.</summary>
        private byte[]? _array = array;

        public Memory<byte> Memory
        {
            get
            {
                var a = Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(LargeBlockMemoryPool), "block used after it was returned");
                return MemoryMarshal.CreateFromPinnedArray(a, 0, a.Length);
            }
        }

        public void Dispose()
        {
            var a = Interlocked.Exchange(ref _array, null) ?? throw new InvalidOperationException("block returned to the pool twice");
            pool.Return(a);
        }
    }
}
