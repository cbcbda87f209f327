using System.Runtime;

namespace P2P.Node.Hosting;

/// <summary>
/// Hands memory back to the system once the daemon has been quiet for a while after a burst of fetches. The runtime
/// collects only when something allocates, so a daemon that streamed gigabytes of blocks (each a large-object-heap
/// array) and then went quiet kept all that garbage, and its RSS, for as long as it stayed quiet: 5.2 GB idle in
/// the issue-11 review. When the count of open fetches drops to zero and at least <see cref="Threshold"/> bytes
/// were allocated since the last trim, one blocking, compacting collection that also decommits the freed memory
/// runs after <see cref="QuietPeriod"/>, unless a fetch opened in the meantime. The wait matters: a trim gives the
/// heap back to the kernel, and the next fetch then faults every page of it in again (in this VM first touch of a
/// page is dear: docs/perf/fetch-path.md), so fetches that follow each other keep a warm heap and only a daemon
/// that stays idle shrinks. A busy daemon never trims (a fetch is always open). Thread-safe.
/// </summary>
internal sealed class IdleMemoryTrim(long threshold = IdleMemoryTrim.Threshold, TimeSpan? quiet = null, TimeProvider? time = null)
{
    /// <summary>Allocation since the last trim below which a trim is not worth a full collection.</summary>
    public const long Threshold = 64L << 20;

    /// <summary>How long the daemon must stay without an open fetch before it trims.</summary>
    public static readonly TimeSpan DefaultQuietPeriod = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Open fetches; changed only with Interlocked.</summary>
    private int _open;

    /// <summary>Fetches ever opened; a trim scheduled at one value is skipped if it moved. Changed only with Interlocked.</summary>
    private long _opened;

    /// <summary>Bytes allocated by the process at the last trim; written with Interlocked by the trimming thread.</summary>
    private long _allocatedAtTrim = GC.GetTotalAllocatedBytes();

    /// <summary>Trims run so far; changed only with Interlocked.</summary>
    private int _trims;

    public TimeSpan QuietPeriod { get; } = quiet ?? DefaultQuietPeriod;

    public int Trims => Volatile.Read(ref _trims);

    public void Enter()
    {
        Interlocked.Increment(ref _opened);
        Interlocked.Increment(ref _open);
    }

    /// <summary>Ends a fetch; returns the pending trim (tests await it), or a completed task when none is due.</summary>
    public Task Exit()
    {
        if (Interlocked.Decrement(ref _open) != 0)
            return Task.CompletedTask;
        if (GC.GetTotalAllocatedBytes() - Interlocked.Read(ref _allocatedAtTrim) < threshold)
            return Task.CompletedTask;
        return TrimLaterAsync(Interlocked.Read(ref _opened));
    }

    /// <summary>
    /// The delay is armed before this returns (so a test's clock can fire it at once); the collection runs on a pool
    /// thread, never on the caller's, which is a request finishing whose client should not wait for it.
    /// </summary>
    private async Task TrimLaterAsync(long opened)
    {
        if (QuietPeriod > TimeSpan.Zero)
            await Task.Delay(QuietPeriod, _time).ConfigureAwait(false);
        else
            await Task.Yield();
        TrimIfStillQuiet(opened);
    }

    /// <summary>Trims unless a fetch opened since <paramref name="opened"/> or another trim took this burst.</summary>
    private void TrimIfStillQuiet(long opened)
    {
        if (Volatile.Read(ref _open) != 0 || Interlocked.Read(ref _opened) != opened)
            return;
        var allocated = GC.GetTotalAllocatedBytes();
        var last = Interlocked.Read(ref _allocatedAtTrim);
        if (allocated - last < threshold || Interlocked.CompareExchange(ref _allocatedAtTrim, allocated, last) != last)
            return;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Increment(ref _trims);
    }
}
