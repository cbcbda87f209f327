using P2P.Node.Content.Exporting;
using P2P.Node.Exchange;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// One `cat`, `get`, `ls` or `pin add` on a daemon: an exchange session for the root and an exporter reading through
/// it with <see cref="Daemon.FetchReadAhead"/> blocks of read-ahead, which the session turns into parallel
/// requests over every provider. Holds the repo's gc gate (shared) for its life, so a concurrent gc cannot remove
/// blocks being fetched; on dispose the session's outstanding wants are cancelled and the repo is flushed, so
/// what was fetched survives a crash and a later fetch resumes from it. Its read-ahead draws on the daemon's
/// shared <see cref="ReadAheadBudget"/>, so many stalled clients together cannot pin more than that budget.
/// </summary>
public sealed class SwarmFetch : IAsyncDisposable
{
    private readonly LocalContent _local;
    private readonly IDisposable _gcScope;
    private readonly IdleMemoryTrim? _trim;
    private int _disposed;

    /// <summary>
    /// <paramref name="reads"/>, when given, wraps the session for every read of this fetch (tests count block reads
    /// through it); one that is <see cref="IDisposable"/> is disposed when the fetch ends.
    /// </summary>
    internal SwarmFetch(ExchangeSession session, LocalContent local, ReadAheadBudget budget, Func<IBlockGetter, IBlockGetter>? reads = null,
        IdleMemoryTrim? trim = null)
    {
        Session = session;
        _local = local;
        _gcScope = local.Repo.GcGate.EnterShared();
        Blocks = reads?.Invoke(session) ?? session;
        Exporter = new UnixFsExporter(Blocks, Daemon.FetchReadAhead, budget);
        _trim = trim;
        _trim?.Enter();
    }

    public ExchangeSession Session { get; }

    /// <summary>Where this fetch's blocks come from: the session, or the wrapper a test put around it.</summary>
    public IBlockGetter Blocks { get; }

    public UnixFsExporter Exporter { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await Session.DisposeAsync();
            _local.Blocks.Flush();
        }
        finally
        {
            _gcScope.Dispose();
            if (!ReferenceEquals(Blocks, Session))
                (Blocks as IDisposable)?.Dispose();
            _ = _trim?.Exit();
        }
    }
}
