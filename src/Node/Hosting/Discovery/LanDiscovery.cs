using System.Net;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// LAN discovery over mDNS (RFC 6762, DNS-SD names of RFC 6763, records shaped as libp2p's mDNS spec): on each
/// interface the node listens on it multicasts a query and its own announcement at start, one second later, and then
/// every <see cref="LanDiscoveryOptions.Interval"/>; it answers others' queries at most once a second per interface
/// (RFC 6762 §6); and it hands each peer it hears of to <c>dial</c> (the node's connect, which pings the peer into
/// the routing table). Bounded: <see cref="LanDiscoveryOptions.MaxPeers"/> peers remembered, dials rate-limited,
/// capped in flight and backed off per peer; only addresses on the subnet of the interface a packet came in on are
/// dialled, so a LAN host cannot make us dial elsewhere. Malformed packets are dropped with one debug line.
/// The state is guarded by <see cref="_gate"/>; sockets and timers call in from their own threads.
/// </summary>
public sealed class LanDiscovery : IAsyncDisposable
{
    private readonly PeerId _self;
    private readonly int _port;
    private readonly IReadOnlyList<LanInterface> _interfaces;
    private readonly IMdnsLink _link;
    private readonly Func<Multiaddr, CancellationToken, Task<bool>> _dial;
    private readonly Func<PeerId, bool> _isConnected;
    private readonly LanDiscoveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _label;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    /// <summary>Peers heard of, by PeerId. Guarded by <see cref="_gate"/>.</summary>
    private readonly Dictionary<PeerId, KnownPeer> _peers = [];
    /// <summary>When our records were last multicast, by interface index. Guarded by <see cref="_gate"/>.</summary>
    private readonly Dictionary<int, long> _lastMulticast = [];
    /// <summary>Interfaces owed an answer once <see cref="LanDiscoveryOptions.MinAnswerInterval"/> has passed. Guarded by <see cref="_gate"/>.</summary>
    private readonly HashSet<int> _answerDue = [];
    /// <summary>Dial tasks, awaited on dispose. Guarded by <see cref="_gate"/>.</summary>
    private readonly HashSet<Task> _dials = [];
    /// <summary>One bucket (key 0) for every dial. Guarded by <see cref="_gate"/>.</summary>
    private readonly TokenBucketTable<int> _dialTokens;
    /// <summary>The socket <see cref="TryStart"/> opened, closed on dispose; null when a test supplies the link.</summary>
    private MdnsSocket? _ownedSocket;
    /// <summary>Dials in flight (the set may still hold finished ones). Guarded by <see cref="_gate"/>.</summary>
    private int _dialing;
    private readonly ITimer _answerTimer;
    /// <summary>False until the first tick, which owes a second announcement a second later. Guarded by <see cref="_gate"/>.</summary>
    private bool _ticked;
    private ITimer? _tick;
    private long _dropped;
    private int _disposed;

    public LanDiscovery(PeerId self, int port, IReadOnlyList<LanInterface> interfaces, IMdnsLink link,
        Func<Multiaddr, CancellationToken, Task<bool>> dial, Func<PeerId, bool> isConnected,
        LanDiscoveryOptions options, TimeProvider time, Random random, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        (_self, _port, _interfaces, _link, _dial, _isConnected) = (self, port, interfaces, link, dial, isConnected);
        (_options, _time, _logger) = (options, time, logger);
        _label = LanRecords.NewInstanceLabel(random);
        _dialTokens = new TokenBucketTable<int>(options.DialsPerSecond, options.DialBurst, 1, time);
        _answerTimer = time.CreateTimer(static s => ((LanDiscovery)s!).AnswerDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Peers heard of and still remembered.</summary>
    public int KnownPeers
    {
        get
        {
            lock (_gate)
                return _peers.Count;
        }
    }

    /// <summary>Packets dropped as malformed since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The interfaces this instance multicasts on.</summary>
    public IReadOnlyList<LanInterface> Interfaces => _interfaces;

    /// <summary>
    /// Starts LAN discovery for <paramref name="host"/>, on the interfaces its listen address covers; null (with one
    /// log line saying why) when there are none, as for a node on loopback, or when the mDNS port cannot be bound.
    /// </summary>
    public static LanDiscovery? TryStart(NetworkHost host, LanDiscoveryOptions options, TimeProvider time, Random random, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<LanDiscovery>();
        var listen = host.Transport.LocalEndPoint;
        var interfaces = LanInterface.ForListen(listen.Address, LanInterface.Enumerate());
        if (interfaces.Count == 0)
        {
            logger.LogInformation("LAN discovery idle: listening on {Listen}, no LAN interface to multicast on", listen);
            return null;
        }
        MdnsSocket socket;
        try
        {
            socket = MdnsSocket.Open(interfaces, options.Port, logger);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            logger.LogWarning("LAN discovery off: cannot open the mDNS socket on port {Port}: {Error}", options.Port, e.Message);
            return null;
        }
        LanDiscovery discovery;
        try
        {
            discovery = new LanDiscovery(host.PeerId, listen.Port, interfaces, socket,
                async (address, ct) => (await host.ConnectAsync(address, ct)).Succeeded,
                peer => host.Dialer.Find(peer) is not null, options, time, random, logger) { _ownedSocket = socket };
        }
        catch
        {
            socket.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        socket.StartReceiving((packet, index, source) => discovery.Receive(packet.Span, index, source));
        discovery.Start();
        logger.LogInformation("LAN discovery on {Interfaces} (mDNS {Service})",
            string.Join(", ", interfaces.Select(i => $"{i.Name} {i.Address}")), LanRecords.ServiceName);
        return discovery;
    }

    /// <summary>Multicasts now, one second later (RFC 6762 §8.3 announces twice), then every interval.</summary>
    public void Start()
    {
        _tick = _time.CreateTimer(static s => ((LanDiscovery)s!).Tick(), this, TimeSpan.Zero, _options.Interval);
    }

    /// <summary>The periodic multicast: on each interface a query (peers answer with themselves) and our announcement.</summary>
    public void Tick()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        var now = _time.GetTimestamp();
        var query = LanRecords.Query();
        foreach (var via in _interfaces)
        {
            _link.Send(via, query);
            _link.Send(via, Announcement(via));
        }
        lock (_gate)
        {
            foreach (var via in _interfaces)
                _lastMulticast[via.Index] = now;
            // This announcement answers every query still waiting; the first tick owes a repeat (RFC 6762 §8.3).
            _answerDue.Clear();
            if (!_ticked)
            {
                _ticked = true;
                foreach (var via in _interfaces)
                    _answerDue.Add(via.Index);
                _answerTimer.Change(_options.MinAnswerInterval, Timeout.InfiniteTimeSpan);
            }
            Forget(now);
        }
    }

    /// <summary>
    /// One datagram from the mDNS socket: <paramref name="interfaceIndex"/> is where it came in, <paramref name="source"/>
    /// who sent it. Queries for our service are answered; responses naming peers lead to dials; the rest is ignored.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> packet, int interfaceIndex, IPEndPoint source)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        var via = _interfaces.FirstOrDefault(i => i.Index == interfaceIndex && i.OnSubnet(source.Address));
        // RFC 6762 §6 and §11: only replies from port 5353 and senders on the link count; a node not listening on
        // an interface ignores it altogether.
        if (via is null || source.Port != _options.Port)
            return;
        if (!MdnsReader.TryRead(packet, out var message, out var error))
        {
            Interlocked.Increment(ref _dropped);
            _logger.LogDebug("Dropped an mDNS packet of {Bytes} bytes from {Source}: {Reason}", packet.Length, source, error);
            return;
        }
        if (LanRecords.AsksForPeers(message!))
        {
            // Our own query comes back through multicast loopback; we announce with every query anyway.
            if (!_interfaces.Any(i => i.Address.Equals(source.Address)))
                Answer(via);
            return;
        }
        var addresses = LanRecords.Addresses(message!, out var rejected, out var goodbye);
        if (rejected > 0)
        {
            Interlocked.Increment(ref _dropped);
            _logger.LogDebug("Ignored {Count} unreadable addresses in an mDNS response from {Source}", rejected, source);
        }
        var now = _time.GetTimestamp();
        foreach (var address in addresses)
        {
            if (address.PeerId == _self || !via.OnSubnet(address.EndPoint.Address))
                continue;
            if (goodbye)
            {
                lock (_gate)
                    _peers.Remove(address.PeerId!);
                continue;
            }
            Consider(address, now);
        }
    }

    private byte[] Announcement(LanInterface via, uint ttl = LanRecords.Ttl) =>
        LanRecords.Announcement(_label, _self, [new IPEndPoint(via.Address, _port)], ttl);

    /// <summary>Announces on <paramref name="via"/> now, or once a second has passed since the last multicast there.</summary>
    private void Answer(LanInterface via)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var since = _lastMulticast.TryGetValue(via.Index, out var last) ? _time.GetElapsedTime(last, now) : TimeSpan.MaxValue;
            if (since < _options.MinAnswerInterval)
            {
                if (_answerDue.Add(via.Index) && _answerDue.Count == 1)
                    _answerTimer.Change(_options.MinAnswerInterval - since, Timeout.InfiniteTimeSpan);
                return;
            }
            _lastMulticast[via.Index] = now;
        }
        _link.Send(via, Announcement(via));
    }

    private void AnswerDue()
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        List<LanInterface> due;
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            due = _interfaces.Where(i => _answerDue.Contains(i.Index)).ToList();
            _answerDue.Clear();
            foreach (var via in due)
                _lastMulticast[via.Index] = now;
        }
        foreach (var via in due)
            _link.Send(via, Announcement(via));
    }

    /// <summary>
    /// Remembers <paramref name="address"/> and dials it unless connected, backed off, or over the dial budget. The
    /// dial starts outside the lock: the node's connect is not run while <see cref="_gate"/> is held.
    /// </summary>
    private void Consider(Multiaddr address, long now)
    {
        if (!ShouldDial(address.PeerId!, now))
            return;
        var dial = DialAsync(address);
        lock (_gate)
        {
            _dials.RemoveWhere(t => t.IsCompleted);
            if (!dial.IsCompleted)
                _dials.Add(dial);
        }
    }

    private bool ShouldDial(PeerId peer, long now)
    {
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer, out var known))
            {
                if (_peers.Count >= _options.MaxPeers)
                    _peers.Remove(_peers.MinBy(p => p.Value.LastSeen).Key);
                known = new KnownPeer();
                _peers[peer] = known;
            }
            known.LastSeen = now;
            if (_isConnected(peer))
                return false;
            if (known.LastDial is { } lastDial && _time.GetElapsedTime(lastDial, now) < _options.DialBackoff)
                return false;
            if (_dialing >= _options.MaxConcurrentDials || _dialTokens.Available(0, now) < 1)
                return false;
            _dialTokens.Take(0, now);
            known.LastDial = now;
            _dialing++;
            return true;
        }
    }

    private async Task DialAsync(Multiaddr address)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.DialTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
            if (await _dial(address, linked.Token))
                _logger.LogInformation("Found {Peer} on the LAN at {Address}: connected", address.PeerId, address.EndPoint);
            else
                _logger.LogDebug("Found {Peer} on the LAN at {Address}, but could not connect", address.PeerId, address.EndPoint);
        }
        catch (OperationCanceledException)
        {
            _logger.LogDebug("Dial of {Peer} found on the LAN timed out or was stopped", address.PeerId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogDebug("Dial of {Peer} found on the LAN failed: {Error}", address.PeerId, e.Message);
        }
        finally
        {
            lock (_gate)
                _dialing--;
        }
    }

    /// <summary>Forgets peers not heard of for twice the records' TTL. Caller holds <see cref="_gate"/>.</summary>
    private void Forget(long now)
    {
        var stale = TimeSpan.FromSeconds(2 * LanRecords.Ttl);
        foreach (var (peer, known) in _peers.ToList())
        {
            if (_time.GetElapsedTime(known.LastSeen, now) > stale)
                _peers.Remove(peer);
        }
    }

    /// <summary>Says goodbye (TTL 0, RFC 6762 §10.1), stops the timers and the socket and waits for dials in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _tick?.Dispose();
        _answerTimer.Dispose();
        foreach (var via in _interfaces)
            _link.Send(via, Announcement(via, ttl: 0));
        await _stopping.CancelAsync();
        Task[] dials;
        lock (_gate)
            dials = [.. _dials];
        await Task.WhenAll(dials).ContinueWith(static _ => { }, TaskScheduler.Default);
        if (_ownedSocket is not null)
            await _ownedSocket.DisposeAsync();
        _stopping.Dispose();
    }

    private sealed class KnownPeer
    {
        public long LastSeen { get; set; }

        public long? LastDial { get; set; }
    }
}
