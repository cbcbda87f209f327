using System.Threading.Channels;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The block exchange, after Bitswap 1.2 (want-have / want-block / have / don't-have / block / cancel) with
/// BitTorrent's request pipelining and endgame. Fetching: blocks come from the store when held, otherwise from
/// the session's peers, many at once, each peer's window sized by its bandwidth × RTT; every block is hashed
/// against its CID before it is stored or handed out, and a peer that lies or stalls is scored down and
/// dropped. Serving: want-blocks are answered from the store through a node-wide upload rate limiter.
/// Inbound exchange messages arrive through <see cref="HandleAsync"/> (or <see cref="RunAsync"/> when nothing
/// else reads the transport). Fetch and serve logic live in the partial files beside this one.
/// </summary>
public sealed partial class BlockExchange : IBlockGetter, IAsyncDisposable
{
    /// <summary>Wants, haves and cancels travel on this channel; blocks on the others, so they never queue behind a block.</summary>
    public const byte ControlChannel = 0;

    private readonly ISecureTransport _transport;

    /// <summary>How providers are dialled (shared with the DHT when the host passes its own).</summary>
    private readonly Dialer _dialer;

    /// <summary>True when <see cref="_dialer"/> was made here and is disposed here.</summary>
    private readonly bool _ownsDialer;
    private readonly IBlockStore _store;
    private readonly IProviderFinder _finder;
    private readonly ExchangeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RateLimiter? _uploadLimiter;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Guards every fetch-side structure: wants, their order, peer fetch state and session peer sets.</summary>
    private readonly Lock _gate = new();

    /// <summary>Outstanding wants by multihash (blocks are keyed by multihash, as in the store). Guarded by _gate.</summary>
    private readonly Dictionary<Multihash, PendingWant> _wants = [];

    /// <summary>Outstanding wants in the order they were asked for (file order for the exporter). Guarded by _gate.</summary>
    private readonly List<PendingWant> _order = [];

    /// <summary>
    /// Peers we exchanged messages with, by PeerId: every connected one, and disconnected ones until forgotten
    /// (BlockExchange.Prune.cs). Guarded by _gate.
    /// </summary>
    private readonly Dictionary<PeerId, PeerState> _peers = [];

    /// <summary>Open sessions. Guarded by _gate.</summary>
    private readonly HashSet<ExchangeSession> _sessions = [];

    /// <summary>Wakes the scheduler; one pending signal is enough.</summary>
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Received blocks waiting to be verified and stored.</summary>
    private readonly Channel<(PeerState Peer, BlockMessage Block)> _received;

    private readonly Channel<Cid> _provideQueue;
    private readonly ITimer _tick;
    private readonly Task[] _workers;
    private long _blocksRequested;
    private long _blocksFetched;
    private long _bytesFetched;
    private long _duplicateBlocks;
    private long _corruptBlocks;
    private long _unwantedBlocks;
    private long _blocksServed;
    private long _bytesServed;
    private long _serveDropped;
    private int _disposed;

    public BlockExchange(
        ISecureTransport transport,
        IBlockStore store,
        IProviderFinder? providers = null,
        ExchangeOptions? options = null,
        TimeProvider? time = null,
        ILogger<BlockExchange>? logger = null,
        Dialer? dialer = null)
    {
        _transport = transport;
        _ownsDialer = dialer is null;
        _dialer = dialer ?? new Dialer(transport);
        _store = store;
        _finder = providers ?? NoProviderFinder.Instance;
        _options = options ?? new ExchangeOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (_options.UploadBytesPerSecond > 0)
            _uploadLimiter = CreateUploadLimiter(_options.UploadBytesPerSecond);
        _received = Channel.CreateBounded<(PeerState, BlockMessage)>(new BoundedChannelOptions(256)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
        _provideQueue = Channel.CreateBounded<Cid>(new BoundedChannelOptions(_options.ProvideQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        _transport.PeerConnected += OnPeerConnected;
        _transport.PeerDisconnected += OnPeerDisconnected;
        var workers = new List<Task> { Task.Run(ScheduleLoopAsync), Task.Run(ProvideLoopAsync) };
        for (var i = 0; i < _options.VerifyParallelism; i++)
            workers.Add(Task.Run(VerifyLoopAsync));
        _workers = [.. workers];
        _tick = _time.CreateTimer(_ => Signal(), null, _options.TickInterval, _options.TickInterval);
    }

    /// <summary>True for the message types <see cref="HandleAsync"/> accepts; route the others elsewhere.</summary>
    public static bool IsExchangeMessage(WireMessageType type) => type is WireMessageType.WantHave or WireMessageType.WantBlock
        or WireMessageType.Have or WireMessageType.DontHave or WireMessageType.Block or WireMessageType.Cancel;

    /// <summary>Node-wide totals.</summary>
    public ExchangeCounters Counters => new(
        Interlocked.Read(ref _blocksRequested), Interlocked.Read(ref _blocksFetched), Interlocked.Read(ref _bytesFetched),
        Interlocked.Read(ref _duplicateBlocks), Interlocked.Read(ref _corruptBlocks), Interlocked.Read(ref _unwantedBlocks),
        Interlocked.Read(ref _blocksServed), Interlocked.Read(ref _bytesServed), Interlocked.Read(ref _serveDropped));

    /// <summary>
    /// Handles one decoded exchange message from an authenticated peer. Returns once the message is queued or
    /// answered; waits only when the verification queue is full (back-pressure towards the transport).
    /// </summary>
    public ValueTask HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return ValueTask.CompletedTask;
        var peer = GetPeer(raw.Peer);
        switch (message)
        {
            case BlockMessage block:
                return _received.Writer.TryWrite((peer, block)) ? ValueTask.CompletedTask : QueueBlockAsync(peer, block, ct);
            case WantBlockMessage wantBlock:
                return OnWantBlockAsync(peer, wantBlock, ct);
            case WantHaveMessage wantHave:
                return OnWantHaveAsync(peer, wantHave, ct);
            case HaveMessage have:
                OnHave(peer, have);
                return ValueTask.CompletedTask;
            case DontHaveMessage dontHave:
                OnDontHave(peer, dontHave);
                return ValueTask.CompletedTask;
            case CancelMessage cancel:
                OnCancel(peer, cancel);
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
        }
    }

    /// <summary>Waits for room in the verification queue; a block arriving during shutdown is dropped.</summary>
    private async ValueTask QueueBlockAsync(PeerState peer, BlockMessage block, CancellationToken ct)
    {
        try
        {
            await _received.Writer.WriteAsync((peer, block), ct);
        }
        catch (ChannelClosedException)
        {
        }
    }

    /// <summary>
    /// Reads the transport's inbound queue and handles exchange messages until cancelled, for hosts where the
    /// exchange is the only reader (benchmarks, tests). A daemon that also runs the DHT routes messages itself.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var raw in _transport.Inbound.ReadAllAsync(ct))
            {
                if (!WireCodec.TryDecode(raw.Payload, out var message, out var error))
                {
                    _logger.LogDebug("Dropped a malformed message from {PeerId}: {Error}", raw.PeerId, error);
                    continue;
                }
                if (IsExchangeMessage(message!.Type))
                    await HandleAsync(raw, message, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Starts a fetch of the DAG under <paramref name="root"/>: its providers are searched for at once.</summary>
    public ExchangeSession OpenSession(Cid root)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = new ExchangeSession(this, root, _time.GetTimestamp());
        List<PeerState> connected;
        lock (_gate)
        {
            _sessions.Add(session);
            session.Searching = true;
            connected = [.. _peers.Values.Where(p => p.Usable)];
        }
        foreach (var peer in _transport.Peers)
        {
            if (peer.IsConnected && !connected.Exists(p => p.PeerId == peer.PeerId))
                connected.Add(GetPeer(peer));
        }
        _ = SearchAsync(session, root, connected);
        return session;
    }

    /// <summary>One block, through a session of its own (prefer <see cref="OpenSession"/> for a whole DAG).</summary>
    public async ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var local = ReadLocal(cid);
        if (local is not null)
            return local;
        await using var session = OpenSession(cid);
        return await session.GetBlockAsync(cid, cancellationToken);
    }

    /// <summary>
    /// Per-peer counters and state, for progress output and the providers table: every connected peer we exchanged
    /// messages with, plus the disconnected peers whose state is still held (at most
    /// <see cref="ExchangeOptions.MaxDisconnectedPeers"/> beyond those an open fetch or serve work still needs;
    /// peers dropped for lying are among them, remembered longest). <see cref="PeerStatistics.Connected"/> tells
    /// them apart. Never every peer ever seen: forgotten peers are gone from this list, not from <see cref="Counters"/>.
    /// </summary>
    public IReadOnlyList<PeerStatistics> GetPeerStatistics()
    {
        lock (_gate)
        {
            return [.. _peers.Values.Select(p => new PeerStatistics(
                p.PeerId, p.Peer.RemoteEndPoint,
                Interlocked.Read(ref p.BytesReceived), Interlocked.Read(ref p.BlocksReceived),
                Interlocked.Read(ref p.BytesSent), Interlocked.Read(ref p.BlocksSent),
                Interlocked.Read(ref p.DuplicateBlocks), Interlocked.Read(ref p.CorruptBlocks),
                p.InFlight.Count, p.Window(_options), p.Bandwidth.BytesPerSecond, p.Score, p.Dropped, p.Departure is null && p.Peer.IsConnected))];
        }
    }

    internal int CountSessionPeers(ExchangeSession session)
    {
        lock (_gate)
            return session.Providers.Count(p => p.Usable && !session.Excluded.Contains(p));
    }

    /// <summary>
    /// The peer's state, created on first contact; a reconnected peer's new connection replaces the old. A message
    /// handled after its sender left creates a state that is listed as departed at once, so it is forgotten too.
    /// </summary>
    private PeerState GetPeer(SecurePeer peer)
    {
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer.PeerId, out var state))
            {
                state = new PeerState(peer) { LastProgress = _time.GetTimestamp() };
                _peers.Add(peer.PeerId, state);
                if (!peer.IsConnected)
                {
                    MarkDepartedLocked(state);
                    PruneLocked();
                }
            }
            else if (!ReferenceEquals(state.Peer, peer) && peer.IsConnected)
            {
                state.Peer = peer;
                MarkReturnedLocked(state);
            }
            return state;
        }
    }

    private void Signal() => _signal.Writer.TryWrite(true);

    private static TokenBucketRateLimiter CreateUploadLimiter(long bytesPerSecond)
    {
        // Refill every 10 ms; the bucket holds a tenth of a second of upload, and at least one largest block so
        // any block can be sent (a permit request above the bucket size would never be granted).
        var perPeriod = (int)Math.Clamp(bytesPerSecond / 100, 1, int.MaxValue);
        var limit = (int)Math.Clamp(Math.Max(bytesPerSecond / 10, WireLimits.MaxAnyMessageSize), 1, int.MaxValue);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(10),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _transport.PeerConnected -= OnPeerConnected;
        _transport.PeerDisconnected -= OnPeerDisconnected;
        if (_ownsDialer)
            _dialer.Dispose();
        await _tick.DisposeAsync();
        await _stopping.CancelAsync();
        _signal.Writer.TryComplete();
        _received.Writer.TryComplete();
        _provideQueue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
        }
        List<PendingWant> wants;
        lock (_gate)
        {
            wants = [.. _order];
            _order.Clear();
            _wants.Clear();
            foreach (var session in _sessions)
                session.Closed = true;
        }
        foreach (var want in wants)
            want.Completion.TrySetException(new ObjectDisposedException(nameof(BlockExchange)));
        _uploadLimiter?.Dispose();
        _stopping.Dispose();
    }
}
