using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// Counts the blocks read through <paramref name="inner"/> and reports the running count: kubo's `pin add --progress`
/// figure (nodes of the DAG fetched or found so far), the same offline and in the daemon.
/// </summary>
public sealed class CountingBlockGetter(IBlockGetter inner, IProgress<long> blocks) : IBlockGetter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public async ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var data = await inner.GetBlockAsync(cid, cancellationToken);
        blocks.Report(Interlocked.Increment(ref _count));
        return data;
    }
}
