using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using LiteNetLib;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Errors;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Transport;

/// <summary>
/// <see cref="ISecureTransport"/> over LiteNetLib 2.1.5: one UDP socket, reliable ordered channels, the handshake
/// as the first messages of each connection, AEAD-sealed frames after it, and a TCP bulk path beside it for the
/// large channels. Tuning and pitfalls in docs/TRANSPORT.md and MEASURED.md: 1 ms tick while busy (25 ms when
/// quiet, <see cref="LogicPace"/>), MTU 1432, many channels, unsynced events handed off through a bounded channel,
/// readers recycled by hand, sends throttled on the reliable queue length. This type wires the parts together and
/// owns a session's end; the parts (docs/ARCHITECTURE.md):
/// <see cref="TransportListener"/> routes LiteNetLib's callbacks, <see cref="HandshakeCoordinator"/> and
/// <see cref="OutboundHandshakes"/> make sessions, <see cref="SessionTable"/> holds them, <see cref="InboundDelivery"/> opens
/// and queues their frames, <see cref="SessionLiveness"/> keeps them honest, <see cref="BulkPath"/> carries bulk data.
/// </summary>
public sealed class LiteNetTransport : ISecureTransport
{
    private readonly TransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NetManager _net;
    private readonly DropCounter<DropReason> _drops;
    private readonly SessionTable _sessions = new();
    private readonly InboundDelivery _delivery;
    private readonly SessionLiveness _liveness;
    private readonly OutboundHandshakes _dialer;
    private readonly BulkPath _bulk;
    private readonly NatService _nat;
    private readonly LogicPace _pace;
    private int _disposed;

    /// <summary>LiteNetLib's largest datagram (its receive buffer) less the relay header.</summary>
    private const int RelayMtuLimit = 1432 - RelayDatagram.HeaderLength;

    public LiteNetTransport(NodeIdentity identity, TransportOptions? options = null, TimeProvider? time = null, ILogger<LiteNetTransport>? logger = null)
    {
        LocalPeerId = identity.PeerId;
        _options = options ?? new TransportOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _drops = new DropCounter<DropReason>(_logger, "packet",
            [DropReason.RateLimited, DropReason.TooManyPeers, DropReason.TooManyPendingHandshakes, DropReason.HandshakeTimeout]);
        _delivery = new InboundDelivery(_options.InboundQueueCapacity, _options.MaxMessageSize, _drops, _time);
        _liveness = new SessionLiveness(_sessions, _drops, _time, CloseLocally);
        // The manager needs its listener first; the listener is given the parts once they exist (below), before Start.
        var listener = new TransportListener();
        var ends = new CircuitEnds(_options.Nat.MaxCircuits);
        var relay = new RelayServer(_options.Nat, _time);
        var layer = new NatPacketLayer(new SessionGuard(_sessions, _liveness, _drops), ends, relay, _drops, (nonce, from) => _nat!.OnProbe(nonce, from));
        _net = new NetManager(listener, layer)
        {
            UpdateTime = _options.UpdateTimeMilliseconds,
            // A relayed packet carries the circuit header too, and every datagram must fit LiteNetLib's 1432-byte
            // receive buffer (larger ones are cut and dropped), so the packets themselves leave room for it.
            MtuOverride = Math.Min(_options.MtuOverride, RelayMtuLimit),
            ChannelsCount = (byte)_options.ChannelCount,
            UnsyncedEvents = true,
            UnconnectedMessagesEnabled = false,
            IPv6Enabled = false,
            AutoRecycle = false,
            PacketPoolSize = 20_000,
            // A connect request is repeated every 50 ms for 2 s: long enough to outlast a restarted peer's old session
            // (the guard lets a new request replace it once it has been silent for SessionLiveness.SilentAfter) and a
            // hole punch's first packets, which the other side's NAT drops until that side has sent its own.
            ReconnectDelay = 50,
            MaxConnectAttempts = 40,
            DisconnectTimeout = _options.DisconnectTimeoutMilliseconds,
        };
        _pace = new LogicPace(_options.UpdateTimeMilliseconds, _options.IdleUpdateTimeMilliseconds, tick => _net.UpdateTime = tick, _net.TriggerUpdate, _time);
        layer.Attach(_net, _pace);
        _dialer = new OutboundHandshakes(identity, _options, _net, _sessions, _drops, _time, _logger);
        // Leg ids and request ids must not be guessable by anyone off the path: seeded from the system's CSPRNG.
        var random = new Random(System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue));
        _nat = new NatService(_options.Nat, _net, _sessions, _dialer, ends, relay, _drops, _time, _logger, random, () => LocalEndPoint, Disconnect);
        _bulk = new BulkPath(_options, LocalPeerId, _sessions, _delivery, ReceivePool, _drops, _logger);
        var rateLimiter = new ConnectionRateLimiter(_options.ConnectionAttemptsPerSecond, _time);
        var handshakes = new HandshakeCoordinator(identity, _options, _net, _dialer, _sessions, _delivery, _drops, rateLimiter, _time, _logger, OnSessionOpened);
        listener.Route(this, handshakes, _delivery, _liveness, _drops, _nat, _pace);
    }

    public PeerId LocalPeerId { get; }

    public IPEndPoint LocalEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public int ChannelCount => _options.ChannelCount;

    public int MaxMessageSize => _options.MaxMessageSize;

    public ChannelReader<InboundMessage> Inbound => _delivery.Reader;

    /// <summary>Where bulk records are read and decrypted; a message from it is valid until released (tests look inside).</summary>
    internal ReceiveBufferPool ReceivePool { get; } = new();

    public NatService Nat => _nat;

    public IReadOnlyCollection<SecurePeer> Peers => _sessions.All.ToArray();

    public event EventHandler<SecurePeerEventArgs>? PeerConnected;

    public event EventHandler<SecurePeerEventArgs>? PeerDisconnected;

    public void Start(IPEndPoint bind)
    {
        if (bind.Address.AddressFamily != AddressFamily.InterNetwork)
            throw new ArgumentException("only IPv4 endpoints are supported", nameof(bind));
        LiteNetLogBridge.Install(_logger);
        StartSockets(bind);
        LocalEndPoint = new IPEndPoint(bind.Address, _net.LocalPort);
        _liveness.Start();
        _nat.Start();
        _logger.LogInformation("Transport {PeerId} listening on udp {EndPoint}", LocalPeerId, LocalEndPoint);
    }

    /// <summary>
    /// Binds UDP and the bulk path's TCP listener to one port number: a peer dials TCP at the address it reached us by
    /// UDP. Asked for any port, it takes a free TCP port first and checks that UDP has the same number free before
    /// LiteNetLib binds it, a few times over: taking UDP first left the number's TCP side held by some other
    /// connection now and then (twice in seven runs of the transport tests, whose sockets crowd the ephemeral
    /// range), and that node then carried bulk data over UDP for its whole life. A port given by the user is
    /// bound as given; a TCP side it cannot have costs only the bulk path (a warning).
    /// </summary>
    private void StartSockets(IPEndPoint bind)
    {
        if (bind.Port == 0 && _bulk.Enabled)
        {
            for (var attempt = 0; attempt < 16; attempt++)
            {
                if (!_bulk.TryListen(new IPEndPoint(bind.Address, 0), out _))
                    break;
                var port = _bulk.ListeningPort;
                if (UdpPortFree(bind.Address, port) && _net.Start(bind.Address, IPAddress.IPv6Any, port))
                    return;
                _bulk.StopListening();
            }
        }
        if (!_net.Start(bind.Address, IPAddress.IPv6Any, bind.Port))
            throw new P2PException(ErrorKind.Unavailable, $"could not bind UDP {bind}");
        if (_bulk.Enabled && !_bulk.TryListen(new IPEndPoint(bind.Address, _net.LocalPort), out var error))
            _logger.LogWarning("Bulk TCP listener on {Address}:{Port} unavailable ({Error}); large messages will use UDP", bind.Address, _net.LocalPort, error);
    }

    /// <summary>
    /// Whether UDP can bind <paramref name="port"/> (checked before LiteNetLib tries, so a taken number costs a retry
    /// rather than a manager whose failed start left it unusable).
    /// </summary>
    private static bool UdpPortFree(IPAddress address, int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public Task<ConnectResult> ConnectAsync(IPEndPoint remote, PeerId? expectedPeer, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_net.IsRunning)
            throw new InvalidOperationException("transport not started");
        return _dialer.DialAsync(remote, expectedPeer, ct);
    }

    public async ValueTask<bool> SendAsync(SecurePeer peer, ReadOnlyMemory<byte> message, byte channel, CancellationToken ct)
    {
        if (channel >= _options.ChannelCount)
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"the transport has {_options.ChannelCount} channels");
        if (message.Length > _options.MaxMessageSize)
            throw new ArgumentException($"message of {message.Length} bytes exceeds the limit of {_options.MaxMessageSize}", nameof(message));
        if (await _bulk.TrySendAsync(peer, message, channel, ct))
            return true;
        // LiteNetLib's reliable queue is unbounded (MEASURED.md pitfall 6): wait while this channel is backed up.
        while (peer.IsConnected && peer.NetPeer.GetPacketsCountInReliableQueue(channel, ordered: true) > _options.SendQueuePackets)
            await Task.Delay(TimeSpan.FromMilliseconds(1), _time, ct);
        if (!peer.IsConnected)
            return false;
        SendSealed(peer, message.Span, channel);
        return true;
    }

    public void Disconnect(SecurePeer peer)
    {
        if (!_sessions.TryRemoveConnection(peer))
            return;
        peer.MarkDisconnected();
        _nat.OnSessionClosed(peer);
        // The goodbye rides in LiteNetLib's disconnect packet: the other side's SessionGuard lets only a
        // disconnect carrying one through.
        _net.DisconnectPeer(peer.NetPeer, SessionLiveness.Goodbye(peer));
        PeerDisconnected?.Invoke(this, new SecurePeerEventArgs(peer, "disconnected locally"));
    }

    public long GetDropCount(DropReason reason) => _drops.Get(reason);

    /// <summary>Raised after each counted drop, on the thread that counted it (what a test waits on instead of polling).</summary>
    internal event Action<DropReason>? Dropped
    {
        add => _drops.Counted += value;
        remove => _drops.Counted -= value;
    }

    /// <summary>A handshake made a session (network thread): tell the application, then start or bind its bulk stream.</summary>
    private void OnSessionOpened(SecurePeer secure)
    {
        _nat.OnSessionOpened(secure);
        PeerConnected?.Invoke(this, new SecurePeerEventArgs(secure));
        // Only a session dialled at a real address can bind a TCP stream (a relayed one has no address to dial).
        if (secure.Path == PeerPath.Direct)
            _bulk.OnSessionOpened(secure);
    }

    /// <summary>LiteNetLib closed a session's connection; false when the session had already been removed.</summary>
    internal bool OnSessionClosed(SecurePeer secure, DisconnectReason reason)
    {
        if (!_sessions.TryRemove(secure))
            return false;
        secure.MarkDisconnected();
        _nat.OnSessionClosed(secure);
        _logger.LogDebug("Peer {PeerId} disconnected: {Reason}", secure.PeerId, reason);
        // Disposing says goodbye to every peer; as before, the application hears nothing of those.
        if (_disposed == 0)
            PeerDisconnected?.Invoke(this, new SecurePeerEventArgs(secure, reason.ToString()));
        return true;
    }

    /// <summary>Ends a session whose peer has gone (no goodbye: it could not read one).</summary>
    private void CloseLocally(SecurePeer secure, string reason)
    {
        if (!_sessions.TryRemove(secure))
            return;
        secure.MarkDisconnected();
        _nat.OnSessionClosed(secure);
        _logger.LogInformation("Closed the session with {PeerId} at {EndPoint}: {Reason}", secure.PeerId, secure.RemoteEndPoint, reason);
        _net.DisconnectPeer(secure.NetPeer);
        PeerDisconnected?.Invoke(this, new SecurePeerEventArgs(secure, reason));
    }

    internal void OnNetworkError(IPEndPoint endPoint, SocketError error) =>
        _logger.LogDebug("Socket error {Error} with {EndPoint}", error, endPoint);

    /// <summary>Seals a message as a data frame and hands it to LiteNetLib (which copies it).</summary>
    private void SendSealed(SecurePeer peer, ReadOnlySpan<byte> message, byte channel)
    {
        var length = 1 + peer.Session.SealedLength(message.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer[0] = (byte)FrameKind.Data;
            peer.Session.Seal(message, buffer.AsSpan(1, length - 1));
            peer.NetPeer.Send(buffer, 0, length, channel, DeliveryMethod.ReliableOrdered);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        // A message of many packets makes the traffic dense (the fast tick refills the send window as acks come);
        // either way, wake the logic thread so the first packets leave now rather than on the next tick.
        _pace.OnSent(1 + length / _options.MtuOverride);
        _net.TriggerUpdate();
    }

    /// <summary>Test hook: a sealed data frame as it would go on the wire, without sending it.</summary>
    internal byte[] SealFrame(SecurePeer peer, ReadOnlySpan<byte> message)
    {
        var frame = new byte[1 + peer.Session.SealedLength(message.Length)];
        frame[0] = (byte)FrameKind.Data;
        peer.Session.Seal(message, frame.AsSpan(1));
        return frame;
    }

    /// <summary>Test hook: sends raw bytes on a connection, bypassing sealing (to check that the receiver drops them).</summary>
    internal void SendRawFrame(SecurePeer peer, byte[] frame, byte channel)
    {
        peer.NetPeer.Send(frame, channel, DeliveryMethod.ReliableOrdered);
        _net.TriggerUpdate();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _liveness.Dispose();
        await _nat.DisposeAsync();
        await _bulk.StopAsync();
        // Each session says a sealed goodbye, so the other side's guard lets the disconnect through at once.
        foreach (var peer in _sessions.All)
        {
            if (peer.IsConnected)
                _net.DisconnectPeer(peer.NetPeer, SessionLiveness.Goodbye(peer));
        }
        // Stop joins LiteNetLib's threads; run it off the caller's context.
        await Task.Run(() => _net.Stop(sendDisconnectMessages: true));
        _pace.Dispose();
        _delivery.Complete();
        // Session keys are not disposed here or on disconnect: a send on another thread may still be sealing;
        // NSec's safe handles free them once the peer is unreachable.
        foreach (var peer in _sessions.All)
            peer.MarkDisconnected();
        _sessions.Clear();
    }
}
