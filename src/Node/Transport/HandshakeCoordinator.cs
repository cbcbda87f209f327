using LiteNetLib;
using Microsoft.Extensions.Logging;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// Runs the handshake on every LiteNetLib connection until it becomes a <see cref="SecurePeer"/>: admits inbound
/// connection requests (rate limit, peer cap, pending-handshake cap), sends the hello on our dials, answers hellos,
/// verifies replies and finishes, holds data frames that overtook the finish, times out and fails handshakes, and
/// hands a session that the other side's simultaneous dial made to our waiting dial (<see cref="OutboundHandshakes.Adopt"/>).
/// Runs on LiteNetLib's threads and the handshake timers; each handshake's state is guarded by its own lock
/// (<see cref="PendingHandshake.Lock"/>), the pending-inbound count is interlocked.
/// </summary>
internal sealed class HandshakeCoordinator(
    NodeIdentity identity,
    TransportOptions options,
    NetManager net,
    OutboundHandshakes dialer,
    SessionTable sessions,
    InboundDelivery delivery,
    DropCounter<DropReason> drops,
    ConnectionRateLimiter rateLimiter,
    TimeProvider time,
    ILogger logger,
    Action<SecurePeer> opened)
{
    /// <summary>
    /// Set while this thread accepts a connection request: LiteNetLib raises the new connection's connected event
    /// inside the accept, before its tag says it is inbound, and OnPeerConnected must not take it for our own dial to
    /// the same endpoint (it did, and sent a hello on it: both sides then acted as initiator and the handshake failed).
    /// </summary>
    [ThreadStatic]
    private static bool t_accepting;

    /// <summary>The connection LiteNetLib created inside the current accept, if it created one.</summary>
    [ThreadStatic]
    private static NetPeer? t_accepted;

    /// <summary>Inbound handshakes in progress; bounded by <see cref="TransportOptions.MaxPendingHandshakes"/>.</summary>
    private int _pendingInbound;

    public void OnConnectionRequest(ConnectionRequest request)
    {
        var from = request.RemoteEndPoint;
        if (!rateLimiter.TryAcquire(from.Address))
        {
            drops.Count(DropReason.RateLimited, from);
            request.Reject();
            return;
        }
        if (net.ConnectedPeersCount + dialer.Count >= options.MaxPeers)
        {
            drops.Count(DropReason.TooManyPeers, from);
            request.Reject();
            return;
        }
        if (Interlocked.Increment(ref _pendingInbound) > options.MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pendingInbound);
            drops.Count(DropReason.TooManyPendingHandshakes, from);
            request.Reject();
            return;
        }
        NetPeer? peer;
        t_accepting = true;
        t_accepted = null;
        try
        {
            peer = request.AcceptIfKey(options.ConnectionKey);
        }
        finally
        {
            t_accepting = false;
        }
        var created = t_accepted;
        t_accepted = null;
        if (peer is not null && !ReferenceEquals(peer, created))
        {
            // LiteNetLib looked the endpoint up before our own dial to it registered its connection, and the accept
            // then hands back that outgoing connection instead of creating one ("already have peer"). It is our
            // dial's, not an inbound handshake: leave it alone. The other side resends its request, and LiteNetLib
            // settles the crossing against our outgoing attempt as usual.
            Interlocked.Decrement(ref _pendingInbound);
            logger.LogDebug("Connection request from {EndPoint} crossed our dial to it; left to the dial", from);
            return;
        }
        if (peer is null)
        {
            Interlocked.Decrement(ref _pendingInbound);
            drops.Count(DropReason.BadConnectionKey, from);
            return;
        }
        var pending = PendingHandshake.Inbound(new System.Net.IPEndPoint(peer.Address, peer.Port), new HandshakeResponder(identity, options.CipherSuites));
        pending.NetPeer = peer;
        peer.Tag = pending;
        pending.Timer = time.CreateTimer(_ => OnHandshakeTimeout(pending), null, options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
    }

    public void OnPeerConnected(NetPeer peer)
    {
        if (t_accepting)
        {
            t_accepted = peer;
            return; // inbound: OnConnectionRequest tags it; then wait for the hello
        }
        if (peer.Tag is PendingHandshake || !dialer.TryGet(new System.Net.IPEndPoint(peer.Address, peer.Port), out var pending))
            return;
        byte[] hello;
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            pending.NetPeer = peer;
            peer.Tag = pending;
            hello = HandshakeFrames.PaddedHello(pending.Initiator!.CreateHello());
            pending.HandshakeFrame = hello;
            pending.HandshakeSends = 1;
            pending.Timer = time.CreateTimer(static s => ((HelloRetransmit)s!).Run(), new HelloRetransmit(this, pending),
                HandshakeFrames.HelloRetransmitInterval, HandshakeFrames.HelloRetransmitInterval);
        }
        SendUnreliable(peer, hello);
    }

    /// <summary>A connection without a session closed: a handshake in progress fails, a dial that never connected fails.</summary>
    public void OnConnectionClosed(NetPeer peer, DisconnectReason reason)
    {
        if (peer.Tag is PendingHandshake pending)
        {
            Fail(pending, $"connection closed during the handshake ({reason})", count: false);
            return;
        }
        if (!dialer.TryGet(new System.Net.IPEndPoint(peer.Address, peer.Port), out var outbound))
            return;
        if (reason == DisconnectReason.PeerToPeerConnection)
        {
            // Both sides dialled at once and the other side's connect request won: its handshake runs on
            // the connection LiteNetLib kept, and completes this dial when it finishes (or the dial times out).
            logger.LogDebug("Dial to {EndPoint} yields to its simultaneous dial to us", outbound.Remote);
            return;
        }
        // An outbound attempt that never connected (refused, unreachable, timed out).
        Fail(outbound, $"could not connect ({reason})", count: false);
    }

    /// <summary>A frame on a connection whose handshake has not finished (the kind byte included).</summary>
    public void OnFrame(PendingHandshake pending, NetPeer peer, ReadOnlySpan<byte> frame, byte channel)
    {
        var kind = (FrameKind)frame[0];
        if (kind == FrameKind.Data)
        {
            BufferEarly(pending, frame, channel);
            return;
        }
        if (frame.Length - 1 > HandshakeProtocol.MaxMessageLength)
        {
            Fail(pending, "oversized handshake message", count: true);
            return;
        }
        if (pending.IsOutbound)
            OnReply(pending, peer, kind, frame[1..]);
        else
            OnHelloOrFinish(pending, peer, kind, frame[1..]);
    }

    private void OnReply(PendingHandshake pending, NetPeer peer, FrameKind kind, ReadOnlySpan<byte> body)
    {
        SecurePeer secure;
        byte[]? finish;
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            if (kind != FrameKind.Reply)
            {
                FailLocked(pending, $"expected a handshake reply, got frame kind {(byte)kind}");
                return;
            }
            if (!pending.Initiator!.TryProcessReply(body, out finish, out var session, out var error))
            {
                FailLocked(pending, error!);
                return;
            }
            pending.Finished = true;
            secure = new SecurePeer(peer, session!, outbound: true, time.GetTimestamp());
            // Tag before the finish leaves, so the responder's first data frames find the session.
            peer.Tag = secure;
            AddSession(secure);
        }
        peer.Send(HandshakeFrames.Frame(FrameKind.Finish, finish!), 0, DeliveryMethod.ReliableOrdered);
        net.TriggerUpdate();
        pending.Dispose();
        logger.LogDebug("Connected to {PeerId} at {EndPoint} ({Suite})", secure.PeerId, secure.RemoteEndPoint, secure.Suite);
        opened(secure);
        pending.Completion.TrySetResult(ConnectResult.Success(secure));
    }

    private void OnHelloOrFinish(PendingHandshake pending, NetPeer peer, FrameKind kind, ReadOnlySpan<byte> body)
    {
        SecurePeer secure;
        List<(byte Channel, byte[] Frame)> early;
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            if (kind == FrameKind.Hello)
            {
                OnHelloLocked(pending, peer, body);
                return;
            }
            if (kind != FrameKind.Finish)
            {
                FailLocked(pending, $"unexpected frame kind {(byte)kind} during the handshake");
                return;
            }
            if (!pending.Responder!.TryProcessFinish(body, out var session, out var error))
            {
                FailLocked(pending, error!);
                return;
            }
            pending.Finished = true;
            Interlocked.Decrement(ref _pendingInbound);
            secure = new SecurePeer(peer, session!, outbound: false, time.GetTimestamp());
            peer.Tag = secure;
            AddSession(secure);
            early = [.. pending.EarlyFrames];
            pending.EarlyFrames.Clear();
        }
        pending.Dispose();
        logger.LogDebug("Accepted {PeerId} from {EndPoint} ({Suite})", secure.PeerId, secure.RemoteEndPoint, secure.Suite);
        opened(secure);
        // Our own dial to this endpoint, if one is waiting, ends with this session (simultaneous open).
        if (dialer.TryGet(secure.RemoteEndPoint, out var dial))
            dialer.Adopt(dial, secure);
        foreach (var (channel, frame) in early)
            delivery.OpenAndDeliver(secure, frame.AsSpan(1), channel);
    }

    /// <summary>A hello (first or retransmitted) for an inbound handshake. Caller holds pending.Lock.</summary>
    private void OnHelloLocked(PendingHandshake pending, NetPeer peer, ReadOnlySpan<byte> body)
    {
        if (body.Length != HandshakeFrames.PaddedHelloLength)
        {
            FailLocked(pending, $"handshake hello frame must be {HandshakeFrames.PaddedHelloLength} bytes, not {body.Length}");
            return;
        }
        if (pending.HandshakeFrame is { } reply)
        {
            // Our reply was lost (or is late): answer this copy with the same bytes, within the budget.
            if (pending.HandshakeSends < HandshakeFrames.MaxSends)
            {
                pending.HandshakeSends++;
                SendUnreliable(peer, reply);
            }
            return;
        }
        if (!pending.Responder!.TryProcessHello(body[..HandshakeProtocol.HelloLength], out var replyBody, out var error))
        {
            FailLocked(pending, error!);
            return;
        }
        var frame = HandshakeFrames.Frame(FrameKind.Reply, replyBody!);
        pending.HandshakeFrame = frame;
        pending.HandshakeSends = 1;
        SendUnreliable(peer, frame);
    }

    /// <summary>Records a new session; the handshake counts as its first verified frame.</summary>
    private void AddSession(SecurePeer secure)
    {
        secure.Verified(time.GetTimestamp());
        sessions.Add(secure);
    }

    private void BufferEarly(PendingHandshake pending, ReadOnlySpan<byte> frame, byte channel)
    {
        lock (pending.Lock)
        {
            if (!pending.Finished && !pending.IsOutbound && pending.EarlyFrames.Count < options.MaxEarlyFrames
                && frame.Length - 1 <= options.MaxMessageSize + 64)
            {
                pending.EarlyFrames.Add((channel, frame.ToArray()));
                return;
            }
        }
        drops.Count(DropReason.EarlyData, pending.Remote, "data before the handshake finished");
    }

    private void SendUnreliable(NetPeer peer, byte[] frame)
    {
        peer.Send(frame, 0, DeliveryMethod.Unreliable);
        net.TriggerUpdate();
    }

    private void OnHandshakeTimeout(PendingHandshake pending)
    {
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            drops.Count(DropReason.HandshakeTimeout, pending.Remote, "inbound handshake");
            FailLocked(pending, "handshake timed out", count: false);
        }
    }

    private void Fail(PendingHandshake pending, string error, bool count)
    {
        lock (pending.Lock)
            FailLocked(pending, error, count);
    }

    /// <summary>Ends a handshake that failed: nobody above the transport ever hears of the peer. Caller holds pending.Lock.</summary>
    private void FailLocked(PendingHandshake pending, string error, bool count = true)
    {
        if (pending.Finished)
            return;
        pending.Finished = true;
        if (!pending.IsOutbound)
            Interlocked.Decrement(ref _pendingInbound);
        if (count)
            drops.Count(DropReason.HandshakeFailed, pending.Remote, error);
        pending.Completion.TrySetResult(ConnectResult.Failure(error));
        pending.Dispose();
        if (pending.NetPeer is { } netPeer)
            net.DisconnectPeer(netPeer);
    }

    /// <summary>The outbound hello's retransmission timer: resends until the reply arrives or the budget is spent.</summary>
    private sealed class HelloRetransmit(HandshakeCoordinator coordinator, PendingHandshake pending)
    {
        public void Run()
        {
            byte[] frame;
            NetPeer peer;
            lock (pending.Lock)
            {
                if (pending.Finished || pending.HandshakeFrame is null || pending.NetPeer is null || pending.HandshakeSends >= HandshakeFrames.MaxSends)
                    return;
                pending.HandshakeSends++;
                frame = pending.HandshakeFrame;
                peer = pending.NetPeer;
            }
            coordinator.SendUnreliable(peer, frame);
        }
    }
}
