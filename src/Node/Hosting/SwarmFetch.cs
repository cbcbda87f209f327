using P2P.Node.Content.Exporting;
using P2P.Node.Exchange;

namespace P2P.Node.Hosting;

/// <summary>
/// One `cat`, `get`, `ls` or `pin add` on a daemon: an exchange session for the root and an exporter reading through
/// it with <see cref="DaemonNode.FetchReadAhead"/> blocks of read-ahead, which the session turns into parallel
/// requests over every provider. Holds the repo's gc gate (shared) for its life, so a concurrent gc cannot remove
/// blocks being fetched; on dispose the session's outstanding wants are cancelled and the repo is flushed, so
/// what was fetched survives a crash and a later fetch resumes from it.
/// </summary>
public sealed class SwarmFetch : IAsyncDisposable
{
    private readonly LocalNode _local;
    private readonly IDisposable _gcScope;

    internal SwarmFetch(ExchangeSession session, LocalNode local)
    {
        Session = session;
        _local = local;
        _gcScope = local.Repo.GcGate.EnterShared();
        Exporter = new UnixFsExporter(session, DaemonNode.FetchReadAhead);
    }

    public ExchangeSession Session { get; }

    public UnixFsExporter Exporter { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Session.DisposeAsync();
            _local.Blocks.Flush();
        }
        finally
        {
            _gcScope.Dispose();
        }
    }
}
