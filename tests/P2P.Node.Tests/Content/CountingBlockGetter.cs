using P2P.Node.Content;
using P2P.Node.Exchange;
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

    public int Fetches => Volatile.Read(ref _fetches);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public async ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _fetches);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
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
        }
    }
}
