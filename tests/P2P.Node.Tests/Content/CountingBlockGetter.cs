using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// A block getter over a store that counts fetches and the most fetches in flight at once. Each fetch completes
/// on the thread pool after a yield, so read-ahead actually overlaps, without any timed wait.
/// </summary>
internal sealed class CountingBlockGetter(IBlockStore store) : IBlockGetter
{
    private readonly OfflineBlockGetter _inner = new(store);
    private int _inFlight;
    private int _maxInFlight;
    private int _fetches;
    private int _leavesInFlight;
    private int _maxLeavesInFlight;
    private long _leafConcurrencySum;
    private int _leafFetches;

    public int Fetches => Volatile.Read(ref _fetches);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Most raw-leaf fetches in flight at once: the read-ahead that matters for throughput.</summary>
    public int MaxLeavesInFlight => Volatile.Read(ref _maxLeavesInFlight);

    /// <summary>Leaf fetches in flight, averaged over the moments each leaf fetch began.</summary>
    public double MeanLeavesInFlight => (double)Interlocked.Read(ref _leafConcurrencySum) / Math.Max(1, Volatile.Read(ref _leafFetches));

    public async ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _fetches);
        var leaf = cid.Codec == Multicodec.Raw;
        RaiseMax(ref _maxInFlight, Interlocked.Increment(ref _inFlight));
        if (leaf)
        {
            var leaves = Interlocked.Increment(ref _leavesInFlight);
            RaiseMax(ref _maxLeavesInFlight, leaves);
            Interlocked.Add(ref _leafConcurrencySum, leaves);
            Interlocked.Increment(ref _leafFetches);
        }
        try
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            return await _inner.GetBlockAsync(cid, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            if (leaf)
                Interlocked.Decrement(ref _leavesInFlight);
        }
    }

    private static void RaiseMax(ref int max, int now)
    {
        int seen;
        while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }
}
