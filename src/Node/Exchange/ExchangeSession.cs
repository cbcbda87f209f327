using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Exchange;

/// <summary>
/// One fetch (a `cat` or `get` of a DAG): the blocks it wants share the peers found for its root, so the exporter's
/// read-ahead turns into parallel want-blocks spread over every provider (Bitswap sessions). Dispose it when the
/// fetch ends: its outstanding wants are cancelled and its provider search stops.
/// </summary>
public sealed class ExchangeSession : IBlockGetter, IAsyncDisposable
{
    private readonly BlockExchange _owner;

    internal ExchangeSession(BlockExchange owner, Cid root, long openedAt)
    {
        _owner = owner;
        Root = root;
        LastSearch = openedAt;
        Log = new FetchLog(openedAt);
    }

    /// <summary>Why a block could not be had, when it cannot. Guarded by the exchange gate.</summary>
    internal FetchLog Log { get; }

    public Cid Root { get; }

    /// <summary>Peers known to hold the DAG (providers found, or peers that said have / sent a block). Guarded by the exchange gate.</summary>
    internal HashSet<PeerState> Providers { get; } = [];

    /// <summary>Peers dropped from this fetch after a stall. Guarded by the exchange gate.</summary>
    internal HashSet<PeerState> Excluded { get; } = [];

    /// <summary>Stops this session's provider searches and dials.</summary>
    internal CancellationTokenSource Lifetime { get; } = new();

    /// <summary>Guarded by the exchange gate.</summary>
    internal bool Searching { get; set; }

    /// <summary>Guarded by the exchange gate.</summary>
    internal long LastSearch { get; set; }

    internal bool Closed { get; set; }

    /// <summary>Peers this session can ask now.</summary>
    public int PeerCount => _owner.CountSessionPeers(this);

    /// <summary>The search and its finds, for the progress display.</summary>
    public FetchStatus Status => _owner.StatusOf(this);

    public ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default) =>
        _owner.GetAsync(this, cid, cancellationToken);

    public ValueTask<BlockBuffer> GetBufferAsync(Cid cid, CancellationToken cancellationToken = default) =>
        _owner.GetBufferAsync(this, cid, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _owner.CloseSessionAsync(this);
        Lifetime.Dispose();
    }
}
