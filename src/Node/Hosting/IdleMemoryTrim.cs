using System.Runtime;

namespace P2P.Node.Hosting;

/// <summary>
/// Hands memory back to the system when the daemon's last fetch ends. The runtime collects only when something
/// allocates, so a daemon that streamed gigabytes of blocks (each a large-object-heap array) and then went quiet
/// kept all that garbage, and its RSS, for as long as it stayed quiet: 5.2 GB idle in the issue-11 review. When
/// the count of open fetches drops to zero and at least <see cref="Threshold"/> bytes were allocated since the
/// last trim, one blocking, compacting collection runs that also decommits the freed memory. A busy daemon never
/// trims (a fetch is always open); a quiet one trims once per burst. Thread-safe.
/// </summary>
internal sealed class IdleMemoryTrim(long threshold = IdleMemoryTrim.Threshold)
{
    /// <summary>Allocation since the last trim below which a trim is not worth a full collection.</summary>
    public const long Threshold = 64L << 20;

    /// <summary>Open fetches; changed only with Interlocked.</summary>
    private int _open;

    /// <summary>Bytes allocated by the process at the last trim; written under Interlocked by the trimming thread.</summary>
    private long _allocatedAtTrim = GC.GetTotalAllocatedBytes();

    /// <summary>Trims run so far; changed only with Interlocked.</summary>
    private int _trims;

    public int Trims => Volatile.Read(ref _trims);

    public void Enter() => Interlocked.Increment(ref _open);

    /// <summary>Ends a fetch; returns the trim it started (tests await it), or a completed task.</summary>
    public Task Exit()
    {
        if (Interlocked.Decrement(ref _open) != 0)
            return Task.CompletedTask;
        var allocated = GC.GetTotalAllocatedBytes();
        var last = Interlocked.Read(ref _allocatedAtTrim);
        if (allocated - last < threshold || Interlocked.CompareExchange(ref _allocatedAtTrim, allocated, last) != last)
            return Task.CompletedTask;
        // Off the caller's thread: it is a request finishing, and its client should not wait for a collection.
        return Task.Run(() =>
        {
            if (Volatile.Read(ref _open) != 0)
                return;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            Interlocked.Increment(ref _trims);
        });
    }
}
