using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using LiteNetLib;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// <see cref="ISecureTransport"/> over LiteNetLib 2.1.5: one UDP socket, reliable ordered channels, the handshake
/// as the first messages of each connection, AEAD-sealed frames after it. Tuning and pitfalls in
/// docs/TRANSPORT.md and MEASURED.md: 1 ms tick, MTU 1432, many channels, unsynced events handed off through a
/// bounded channel, readers recycled by hand, sends throttled on the reliable queue length.
/// Receive-side logic is in LiteNetTransport.Receive.cs.
/// </summary>
public sealed partial class LiteNetTransport : ISecureTransport
{
    private readonly NodeIdentity _identity;
    private readonly TransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NetManager _net;
    private readonly Channel<InboundMessage> _inbound;
    private readonly DropCounter<DropReason> _drops;
    private readonly ConnectionRateLimiter _rateLimiter;

    /// <summary>Outbound handshakes by remote endpoint, registered before Connect so OnPeerConnected always finds them.</summary>
    private readonly ConcurrentDictionary<IPEndPoint, PendingHandshake> _outbound = new();

    /// <summary>Authenticated peers by LiteNetLib peer id.</summary>
    private readonly ConcurrentDictionary<int, SecurePeer> _peers = new();

    /// <summary>Inbound handshakes in progress; bounded by <see cref="TransportOptions.MaxPendingHandshakes"/>.</summary>
    private int _pendingInbound;
    private int _disposed;

    public LiteNetTransport(NodeIdentity identity, TransportOptions? options = null, TimeProvider? time = null, ILogger<LiteNetTransport>? logger = null)
    {
        _identity = identity;
        _options = options ?? new TransportOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _drops = new DropCounter<DropReason>(_logger, "packet");
        _rateLimiter = new ConnectionRateLimiter(_options.ConnectionAttemptsPerSecond, _time);
        _inbound = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(_options.InboundQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; we count the drop instead of blocking the socket thread.
            SingleWriter = false,
            SingleReader = false,
        });
        _net = new NetManager(new TransportListener(this), new SessionGuard(this))
        {
            UpdateTime = _options.UpdateTimeMilliseconds,
            MtuOverride = _options.MtuOverride,
            ChannelsCount = (byte)_options.ChannelCount,
            UnsyncedEvents = true,
            UnconnectedMessagesEnabled = false,
            IPv6Enabled = false,
            AutoRecycle = false,
            PacketPoolSize = 20_000,
            ReconnectDelay = 20,
            MaxConnectAttempts = 10,
            DisconnectTimeout = _options.DisconnectTimeoutMilliseconds,
        };
    }

    public PeerId LocalPeerId => _identity.PeerId;

    public IPEndPoint LocalEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public int ChannelCount => _options.ChannelCount;

    public int MaxMessageSize => _options.MaxMessageSize;

    public ChannelReader<InboundMessage> Inbound => _inbound.Reader;

    public IReadOnlyCollection<SecurePeer> Peers => _peers.Values.ToArray();

    public event EventHandler<SecurePeerEventArgs>? PeerConnected;

    public event EventHandler<SecurePeerEventArgs>? PeerDisconnected;

    public void Start(IPEndPoint bind)
    {
        if (bind.Address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new ArgumentException("only IPv4 endpoints are supported", nameof(bind));
        if (!_net.Start(bind.Address, IPAddress.IPv6Any, bind.Port))
            throw new InvalidOperationException($"could not bind UDP {bind}");
        LocalEndPoint = new IPEndPoint(bind.Address, _net.LocalPort);
        StartBulk();
        StartKeepalive();
        _logger.LogInformation("Transport {PeerId} listening on udp {EndPoint}", LocalPeerId, LocalEndPoint);
    }

    public async Task<ConnectResult> ConnectAsync(IPEndPoint remote, PeerId? expectedPeer, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_net.IsRunning)
            throw new InvalidOperationException("transport not started");
        var key = new IPEndPoint(remote.Address, remote.Port);
        foreach (var existing in _peers.Values)
        {
            if (existing.RemoteEndPoint.Equals(key) && existing.IsConnected)
                return DialResult(existing, expectedPeer);
        }
        var pending = PendingHandshake.Outbound(key, new HandshakeInitiator(_identity, expectedPeer, _options.CipherSuites), expectedPeer);
        if (!_outbound.TryAdd(key, pending))
        {
            pending.Dispose();
            return ConnectResult.Failure($"a connection to {key} is already in progress");
        }
        try
        {
            // Simultaneous open (docs/TRANSPORT.md): LiteNetLib keeps one connection per endpoint pair. When the other
            // side's connect request got here first, Connect returns that inbound connection (or null while the
            // request is being accepted), and when both requests cross, LiteNetLib keeps the one with the earlier
            // connect time and drops the other side's outgoing attempt (DisconnectReason.PeerToPeerConnection). Either
            // way only one handshake runs; this dial then completes with the session it makes (AdoptInboundSession).
            var netPeer = _net.Connect(key, _options.ConnectionKey);
            var dialled = netPeer is { ConnectionState: ConnectionState.Outgoing } ? netPeer : null;
            if (netPeer?.Tag is SecurePeer already)
                CompleteDial(pending, already);
            using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                return await pending.Completion.Task.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Abort(pending, dialled);
                // Last resort: a session with the endpoint that came up without passing through this dial.
                foreach (var existing in _peers.Values)
                {
                    if (existing.RemoteEndPoint.Equals(key) && existing.IsConnected && (expectedPeer is null || existing.PeerId == expectedPeer))
                        return ConnectResult.Success(existing);
                }
                _drops.Count(DropReason.HandshakeTimeout, key, "outbound handshake");
                return ConnectResult.Failure($"handshake with {key} timed out after {_options.HandshakeTimeout.TotalSeconds:0.#} s");
            }
            catch (OperationCanceledException)
            {
                Abort(pending, dialled);
                throw;
            }
        }
        finally
        {
            _outbound.TryRemove(new KeyValuePair<IPEndPoint, PendingHandshake>(key, pending));
        }
    }

    private static ConnectResult DialResult(SecurePeer secure, PeerId? expectedPeer) =>
        expectedPeer is null || secure.PeerId == expectedPeer
            ? ConnectResult.Success(secure)
            : ConnectResult.Failure($"{secure.RemoteEndPoint} is already connected as {secure.PeerId}, not {expectedPeer}");

    /// <summary>Ends an outbound dial with a session that the other side's simultaneous dial made on the one connection.</summary>
    private void CompleteDial(PendingHandshake dial, SecurePeer secure)
    {
        lock (dial.Lock)
        {
            if (dial.Finished)
                return;
            dial.Finished = true;
        }
        dial.Dispose();
        _logger.LogDebug("Dial to {EndPoint} completes with the session {PeerId} opened from its side", dial.Remote, secure.PeerId);
        dial.Completion.TrySetResult(DialResult(secure, dial.ExpectedPeer));
    }

    public async ValueTask<bool> SendAsync(SecurePeer peer, ReadOnlyMemory<byte> message, byte channel, CancellationToken ct)
    {
        if (channel >= _options.ChannelCount)
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"the transport has {_options.ChannelCount} channels");
        if (message.Length > _options.MaxMessageSize)
            throw new ArgumentException($"message of {message.Length} bytes exceeds the limit of {_options.MaxMessageSize}", nameof(message));
        if (channel >= _options.BulkFirstChannel && peer.Bulk is { IsOpen: true } bulk && BulkReady(peer, channel)
            && await bulk.SendAsync(peer.Session, message, channel, ct))
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
        if (_peers.TryRemove(peer.NetPeer.Id, out _))
        {
            RemoveSession(peer);
            peer.MarkDisconnected();
            // The goodbye rides in LiteNetLib's disconnect packet: the other side's SessionGuard lets only a
            // disconnect carrying one through.
            _net.DisconnectPeer(peer.NetPeer, Goodbye(peer));
            PeerDisconnected?.Invoke(this, new SecurePeerEventArgs(peer, "disconnected locally"));
        }
    }

    public long GetDropCount(DropReason reason) => _drops.Get(reason);

    /// <summary>Counts a drop decided by a part of the transport outside this class (the session guard).</summary>
    internal void CountDrop(DropReason reason, IPEndPoint? from, string? detail) => _drops.Count(reason, from, detail);

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
        // Wake the logic thread so the first packets leave now rather than on the next tick.
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

    /// <summary>Ends a dial that timed out or was cancelled; <paramref name="netPeer"/> is the connection it created, if any.</summary>
    private void Abort(PendingHandshake pending, NetPeer? netPeer)
    {
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            pending.Finished = true;
        }
        pending.Dispose();
        // After a simultaneous open the connection may carry the other side's session or handshake (seen in a lossy
        // netns swarm: a dial timing out at join closed the live connection the two nodes had just made). Only a
        // connection this dial created and that still carries its handshake is ours to close.
        if (netPeer is not null && (netPeer.Tag is null || ReferenceEquals(netPeer.Tag, pending)))
            _net.DisconnectPeer(netPeer);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Stop joins LiteNetLib's threads; run it off the caller's context.
        _keepalive?.Dispose();
        await StopBulkAsync();
        // Each session says a sealed goodbye, so the other side's guard lets the disconnect through at once.
        foreach (var peer in _peers.Values)
        {
            if (peer.IsConnected)
                _net.DisconnectPeer(peer.NetPeer, Goodbye(peer));
        }
        await Task.Run(() => _net.Stop(sendDisconnectMessages: true));
        _inbound.Writer.TryComplete();
        // Session keys are not disposed here or on disconnect: a send on another thread may still be sealing;
        // NSec's safe handles free them once the peer is unreachable.
        foreach (var peer in _peers.Values)
            peer.MarkDisconnected();
        _peers.Clear();
    }
}
