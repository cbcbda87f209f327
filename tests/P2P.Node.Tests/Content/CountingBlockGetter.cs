using System.Threading.Tasks.Sources;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// A block getter over a store that counts fetches and the most fetches in flight at once. A fetch behaves like a
/// remote one: it is still pending when its reader first looks at it and completes (on the thread pool) only once
/// the reader waits for it. Completing after a yield instead left the overlap to the thread pool's timing: on a
/// loaded machine every fetch was done before the reader looked, the read-ahead window never grew, and
/// DeepTree_KeepsTheBudgetForLeaves failed now and then.
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

    public ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
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
        var fetch = new PendingFetch(this, cid, leaf, cancellationToken);
        return new ValueTask<byte[]>(fetch, 0);
    }

    private void Done(bool leaf)
    {
        Interlocked.Decrement(ref _inFlight);
        if (leaf)
            Interlocked.Decrement(ref _leavesInFlight);
    }

    /// <summary>One fetch: starts reading the store when its reader awaits it, and counts itself out when done.</summary>
    private sealed class PendingFetch(CountingBlockGetter owner, Cid cid, bool leaf, CancellationToken cancellationToken)
        : IValueTaskSource<byte[]>
    {
        private ManualResetValueTaskSourceCore<byte[]> _core = new() { RunContinuationsAsynchronously = true };
        private int _started;

        public byte[] GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token,
            ValueTaskSourceOnCompletedFlags flags)
        {
            _core.OnCompleted(continuation, state, token, flags);
            if (Interlocked.Exchange(ref _started, 1) == 0)
                ThreadPool.QueueUserWorkItem(static f => f.Complete(), this, preferLocal: false);
        }

        private void Complete()
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var data = owner._inner.GetBlockAsync(cid, cancellationToken).AsTask().GetAwaiter().GetResult();
                owner.Done(leaf);
                _core.SetResult(data);
            }
            catch (Exception ex)
            {
                owner.Done(leaf);
                _core.SetException(ex);
            }
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
