using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The block exchange, after Bitswap 1.2 (want-have / want-block / have / don't-have / block / cancel) with
/// BitTorrent's request pipelining and endgame. This class only wires the parts together and routes messages;
/// each part owns one role (docs/ARCHITECTURE.md): <see cref="FetchSessions"/> and the
/// <see cref="WantBook"/> hold what is wanted, the <see cref="WantScheduler"/> runs the pure
/// <see cref="Planning.WantPlanner"/>, the <see cref="BlockReceiver"/> verifies blocks against their CID, the
/// <see cref="ServeQueue"/> answers peers through the upload limiter, the <see cref="PeerLedger"/> remembers and
/// forgets peers, and <see cref="ExchangeTasks"/> owns every background task. Inbound exchange messages arrive
/// through <see cref="HandleAsync"/> (or <see cref="RunAsync"/> when nothing else reads the transport).
/// </summary>
public sealed class BlockExchange : IBlockGetter, IAsyncDisposable
{
    /// <summary>Wants, haves and cancels travel on this channel; blocks on the others, so they never queue behind a block.</summary>
    public const byte ControlChannel = 0;

    private readonly ISecureTransport _transport;

    /// <summary>How providers are dialled (shared with the DHT when the host passes its own).</summary>
    private readonly Dialer _dialer;

    /// <summary>True when <see cref="_dialer"/> was made here and is disposed here.</summary>
    private readonly bool _ownsDialer;
    private readonly ILogger _logger;
    private readonly ExchangeTotals _totals = new();
    private readonly ExchangeTasks _tasks;
    private readonly WantBook _book = new();
    private readonly PeerLedger _ledger;
    private readonly WantScheduler _scheduler;
    private readonly BlockReceiver _receiver;
    private readonly ServeQueue _serve;
    private readonly FetchSessions _sessions;
    private readonly ProvideQueue _provide;
    private readonly UploadLimiter? _uploadLimiter;
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
        options ??= new ExchangeOptions();
        options.Validate();
        time ??= TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var finder = providers ?? NoProviderFinder.Instance;
        _tasks = new ExchangeTasks(_logger);
        var control = new ControlSender(transport, _tasks);
        _ledger = new PeerLedger(_book.Gate, options, time, _book.ReferencedLocked);
        _scheduler = new WantScheduler(options, time, _book, _ledger, _totals, control, _logger);
        _provide = new ProvideQueue(finder, options, _logger);
        _receiver = new BlockReceiver(transport, store, options, time, _book, _ledger, _totals, control, _provide, _scheduler.Wake, _logger);
        if (options.UploadBytesPerSecond > 0)
            _uploadLimiter = new UploadLimiter(options.UploadBytesPerSecond, time);
        _serve = new ServeQueue(transport, store, options, _totals, _tasks, control, _uploadLimiter, _ledger.OnServeEnded, _logger);
        _sessions = new FetchSessions(transport, store, options, time, _book, _ledger, control, _scheduler.Wake, _logger);
        var search = new ProviderSearch(transport, _dialer, finder, options, time, _book, _ledger, _tasks, control, _sessions.CountPeers, _scheduler.Wake, _logger);
        _scheduler.Search = search;
        _sessions.Search = search;
        _transport.PeerConnected += OnPeerConnected;
        _transport.PeerDisconnected += OnPeerDisconnected;
        _tasks.Run(() => _scheduler.RunAsync(_tasks.Stopping));
        _tasks.Run(() => _provide.RunAsync(_tasks.Stopping));
        for (var i = 0; i < options.VerifyParallelism; i++)
            _tasks.Run(() => _receiver.VerifyLoopAsync(_tasks.Stopping));
    }

    /// <summary>True for the message types <see cref="HandleAsync"/> accepts; route the others elsewhere.</summary>
    public static bool IsExchangeMessage(WireMessageType type) => type is WireMessageType.WantHave or WireMessageType.WantBlock
        or WireMessageType.Have or WireMessageType.DontHave or WireMessageType.Block or WireMessageType.Cancel;

    /// <summary>Pulsed after each scheduling round (tests that step a fake clock).</summary>
    internal P2P.Dht.ChangeSignal SchedulerRoundEnded => _scheduler.RoundEnded;

    /// <summary>True while the scheduler's periodic tick is armed: only while a session or a want exists (tests).</summary>
    internal bool SchedulerTicking => _scheduler.Ticking;

    /// <summary>The scheduler's tick callbacks so far (tests).</summary>
    internal long SchedulerTicks => _scheduler.TicksFired;

    /// <summary>Node-wide totals.</summary>
    public ExchangeCounters Counters => _totals.Snapshot();

    /// <summary>Peer states held now, connected and disconnected (tests).</summary>
    internal int PeerStateCount => _ledger.Count;

    /// <summary>Disconnected peers whose state is still held (tests).</summary>
    internal int DisconnectedPeerStateCount => _ledger.DisconnectedCount;

    /// <summary>Background tasks running now (tests: none is left after dispose).</summary>
    internal int BackgroundTaskCount => _tasks.Count;

    /// <summary>
    /// Handles one decoded exchange message from an authenticated peer. Returns once the message is queued or
    /// answered; waits only when the verification queue is full (back-pressure towards the transport).
    /// </summary>
    public ValueTask HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return ValueTask.CompletedTask;
        var peer = _ledger.Get(raw.Peer);
        switch (message)
        {
            case BlockMessage block:
                // The block's bytes stay in the receive buffer: the lease keeps it past the reader's Release.
                return _receiver.EnqueueAsync(peer, block, raw.Retain(), ct);
            case WantBlockMessage wantBlock:
                return _serve.OnWantBlockAsync(peer, wantBlock);
            case WantHaveMessage wantHave:
                return _serve.OnWantHaveAsync(peer, wantHave);
            case HaveMessage have:
                _receiver.OnHave(peer, have);
                return ValueTask.CompletedTask;
            case DontHaveMessage dontHave:
                _receiver.OnDontHave(peer, dontHave);
                return ValueTask.CompletedTask;
            case CancelMessage cancel:
                ServeQueue.OnCancel(peer, cancel);
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
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
                try
                {
                    if (!WireCodec.TryDecode(raw.Payload, out var message, out var error))
                        _logger.LogDebug("Dropped a malformed message from {PeerId}: {Error}", raw.PeerId, error);
                    else if (IsExchangeMessage(message!.Type))
                        await HandleAsync(raw, message, ct);
                }
                finally
                {
                    // A block took a lease of its own; nothing else keeps the payload.
                    raw.Release();
                }
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
        return _sessions.Open(this, root);
    }

    /// <summary>One block, through a session of its own (prefer <see cref="OpenSession"/> for a whole DAG).</summary>
    public async ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var local = _sessions.ReadLocal(cid);
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
    public IReadOnlyList<PeerStatistics> GetPeerStatistics() => _ledger.Statistics();

    internal int CountSessionPeers(ExchangeSession session) => _sessions.CountPeers(session);

    internal FetchStatus StatusOf(ExchangeSession session)
    {
        var peers = _sessions.CountPeers(session);
        lock (_book.Gate)
            return new FetchStatus(session.Root, session.Searching, session.Log.ProvidersFound, session.Log.Unreachable.Count, peers);
    }

    /// <summary>The fetches open now (progress displays poll them through the API).</summary>
    public IReadOnlyList<FetchStatus> OpenFetches()
    {
        List<ExchangeSession> sessions;
        lock (_book.Gate)
            sessions = [.. _book.SessionsLocked];
        return [.. sessions.Select(StatusOf)];
    }

    internal ValueTask<byte[]> GetAsync(ExchangeSession session, Cid cid, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _sessions.GetAsync(session, cid, ct);
    }

    internal ValueTask<BlockBuffer> GetBufferAsync(ExchangeSession session, Cid cid, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _sessions.GetBufferAsync(session, cid, ct);
    }

    internal ValueTask CloseSessionAsync(ExchangeSession session) => _sessions.CloseAsync(session);

    private void OnPeerConnected(object? sender, SecurePeerEventArgs e)
    {
        _ledger.OnConnected(e.Peer);
        _scheduler.Wake();
    }

    private void OnPeerDisconnected(object? sender, SecurePeerEventArgs e)
    {
        lock (_book.Gate)
        {
            if (_ledger.DepartedLocked(e.Peer) is { } state)
            {
                NoteOutstandingLocked(state, departed: true);
                _book.ReassignLocked(state);
                _ledger.MarkDepartedLocked(state);
                _ledger.PruneLocked();
            }
        }
        _scheduler.Wake();
    }

    /// <summary>Records in each session's log which of its blocks <paramref name="peer"/> still owed as it went away or stalled.</summary>
    internal static void NoteOutstanding(WantBook book, PeerState peer, bool departed)
    {
        foreach (var multihash in peer.InFlight.Keys)
        {
            if (!book.TryGetLocked(multihash, out var want))
                continue;
            if (departed)
                want.Session.Log.Departed = (peer.PeerId, want.Cid);
            else
                want.Session.Log.Stalled = (peer.PeerId, want.Cid);
        }
    }

    private void NoteOutstandingLocked(PeerState peer, bool departed) => NoteOutstanding(_book, peer, departed);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _transport.PeerConnected -= OnPeerConnected;
        _transport.PeerDisconnected -= OnPeerDisconnected;
        if (_ownsDialer)
            _dialer.Dispose();
        _scheduler.Complete();
        _receiver.Complete();
        _provide.Complete();
        await _tasks.StopAsync();
        _receiver.DropQueued();
        List<PendingWant> wants;
        lock (_book.Gate)
            wants = _book.ClearLocked();
        foreach (var want in wants)
            want.Completion.TrySetException(new ObjectDisposedException(nameof(BlockExchange)));
        _uploadLimiter?.Dispose();
    }
}
