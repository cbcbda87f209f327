using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Gateway;

/// <summary>
/// Installed as a daemon's <c>FetchReads</c>: counts every block a fetch reads, and completes <see cref="Ended"/>
/// when the fetch is disposed (the request's handler has returned), so a test can wait for the fixed point.
/// </summary>
internal sealed class CountingReads
{
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Completes when the fetch ends; <see cref="Reads"/> cannot change after it.</summary>
    public Task Ended => _ended.Task;

    public IBlockGetter Wrap(IBlockGetter inner) => new Getter(this, inner);

    private sealed class Getter(CountingReads owner, IBlockGetter inner) : IBlockGetter, IDisposable
    {
        public ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref owner._reads);
            return inner.GetBlockAsync(cid, cancellationToken);
        }

        public void Dispose() => owner._ended.TrySetResult();
    }
}
