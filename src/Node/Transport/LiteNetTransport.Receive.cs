using System.Net;
using System.Net.Sockets;
using LiteNetLib;
using Microsoft.Extensions.Logging;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>The network-thread half: connection requests, handshake steps and data frames.</summary>
public sealed partial class LiteNetTransport
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

    internal void OnConnectionRequest(ConnectionRequest request)
    {
        var from = request.RemoteEndPoint;
        if (!_rateLimiter.TryAcquire(from.Address))
        {
            _drops.Count(DropReason.RateLimited, from);
            request.Reject();
            return;
        }
        if (_net.ConnectedPeersCount + _outbound.Count >= _options.MaxPeers)
        {
            _drops.Count(DropReason.TooManyPeers, from);
            request.Reject();
            return;
        }
        if (Interlocked.Increment(ref _pendingInbound) > _options.MaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pendingInbound);
            _drops.Count(DropReason.TooManyPendingHandshakes, from);
            request.Reject();
            return;
        }
        NetPeer? peer;
        t_accepting = true;
        t_accepted = null;
        try
        {
            peer = request.AcceptIfKey(_options.ConnectionKey);
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
            _logger.LogDebug("Connection request from {EndPoint} crossed our dial to it; left to the dial", from);
            return;
        }
        if (peer is null)
        {
            Interlocked.Decrement(ref _pendingInbound);
            _drops.Count(DropReason.BadConnectionKey, from);
            return;
        }
        var pending = PendingHandshake.Inbound(new IPEndPoint(peer.Address, peer.Port), new HandshakeResponder(_identity, _options.CipherSuites));
        pending.NetPeer = peer;
        peer.Tag = pending;
        pending.Timer = _time.CreateTimer(_ => OnHandshakeTimeout(pending), null, _options.HandshakeTimeout, Timeout.InfiniteTimeSpan);
    }

    internal void OnPeerConnected(NetPeer peer)
    {
        var key = new IPEndPoint(peer.Address, peer.Port);
        if (t_accepting)
        {
            t_accepted = peer;
            return; // inbound: OnConnectionRequest tags it; then wait for the hello
        }
        if (peer.Tag is PendingHandshake || !_outbound.TryGetValue(key, out var pending))
            return;
        byte[] hello;
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            pending.NetPeer = peer;
            peer.Tag = pending;
            hello = PaddedHello(pending.Initiator!.CreateHello());
            pending.HandshakeFrame = hello;
            pending.HandshakeSends = 1;
            pending.Timer = _time.CreateTimer(static s => ((HelloRetransmit)s!).Run(), new HelloRetransmit(this, pending),
                HelloRetransmitInterval, HelloRetransmitInterval);
        }
        SendUnreliable(peer, hello);
    }

    internal void OnPeerDisconnected(NetPeer peer, DisconnectReason reason)
    {
        switch (peer.Tag)
        {
            case SecurePeer secure when _peers.TryRemove(new KeyValuePair<int, SecurePeer>(peer.Id, secure)):
                RemoveSession(secure);
                secure.MarkDisconnected();
                _logger.LogDebug("Peer {PeerId} disconnected: {Reason}", secure.PeerId, reason);
                // Disposing says goodbye to every peer; as before, the application hears nothing of those.
                if (_disposed == 0)
                    PeerDisconnected?.Invoke(this, new SecurePeerEventArgs(secure, reason.ToString()));
                break;
            case PendingHandshake pending:
                Fail(pending, $"connection closed during the handshake ({reason})", count: false);
                break;
            default:
                if (!_outbound.TryGetValue(new IPEndPoint(peer.Address, peer.Port), out var outbound))
                    break;
                if (reason == DisconnectReason.PeerToPeerConnection)
                {
                    // Both sides dialled at once and the other side's connect request won: its handshake runs on
                    // the connection LiteNetLib kept, and completes this dial when it finishes (or the dial times out).
                    _logger.LogDebug("Dial to {EndPoint} yields to its simultaneous dial to us", outbound.Remote);
                    break;
                }
                // An outbound attempt that never connected (refused, unreachable, timed out).
                Fail(outbound, $"could not connect ({reason})", count: false);
                break;
        }
    }

    internal void OnNetworkError(IPEndPoint endPoint, SocketError error) =>
        _logger.LogDebug("Socket error {Error} with {EndPoint}", error, endPoint);

    internal void OnReceive(NetPeer peer, ReadOnlySpan<byte> frame, byte channel)
    {
        var from = peer.Tag is SecurePeer sp ? sp.RemoteEndPoint : (peer.Tag as PendingHandshake)?.Remote;
        if (frame.Length < 1)
        {
            _drops.Count(DropReason.MalformedFrame, from, "empty frame");
            return;
        }
        var kind = (FrameKind)frame[0];
        if (peer.Tag is SecurePeer secure)
        {
            if (kind == FrameKind.Data)
                OpenAndDeliver(secure, frame[1..], channel);
            else if (kind == FrameKind.Keepalive)
                OnKeepalive(secure, frame[1..]);
            else if (kind is not (FrameKind.Hello or FrameKind.Reply))
                _drops.Count(DropReason.MalformedFrame, from, $"frame kind {frame[0]} after the handshake");
            // A hello or reply after the handshake is a retransmission that crossed the message ending it: ignored.
            return;
        }
        if (peer.Tag is not PendingHandshake pending)
        {
            _drops.Count(DropReason.MalformedFrame, from, "frame from a peer without a handshake");
            return;
        }
        if (kind == FrameKind.Data)
        {
            BufferEarly(pending, frame, channel);
            return;
        }
        if (frame.Length - 1 > Security.HandshakeProtocol.MaxMessageLength)
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
            secure = new SecurePeer(peer, session!, outbound: true, _time.GetTimestamp());
            // Tag before the finish leaves, so the responder's first data frames find the session.
            peer.Tag = secure;
            AddSession(secure);
        }
        SendHandshake(peer, FrameKind.Finish, finish!);
        pending.Dispose();
        _logger.LogDebug("Connected to {PeerId} at {EndPoint} ({Suite})", secure.PeerId, secure.RemoteEndPoint, secure.Suite);
        PeerConnected?.Invoke(this, new SecurePeerEventArgs(secure));
        _ = Task.Run(() => DialBulkAsync(secure), CancellationToken.None);
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
            secure = new SecurePeer(peer, session!, outbound: false, _time.GetTimestamp());
            peer.Tag = secure;
            AddSession(secure);
            early = [.. pending.EarlyFrames];
            pending.EarlyFrames.Clear();
        }
        pending.Dispose();
        _logger.LogDebug("Accepted {PeerId} from {EndPoint} ({Suite})", secure.PeerId, secure.RemoteEndPoint, secure.Suite);
        PeerConnected?.Invoke(this, new SecurePeerEventArgs(secure));
        // Our own dial to this endpoint, if one is waiting, ends with this session (simultaneous open).
        if (_outbound.TryGetValue(secure.RemoteEndPoint, out var dial))
            CompleteDial(dial, secure);
        OnInboundSession(secure);
        foreach (var (channel, frame) in early)
            OpenAndDeliver(secure, frame.AsSpan(1), channel);
    }

    private void BufferEarly(PendingHandshake pending, ReadOnlySpan<byte> frame, byte channel)
    {
        lock (pending.Lock)
        {
            if (!pending.Finished && !pending.IsOutbound && pending.EarlyFrames.Count < _options.MaxEarlyFrames
                && frame.Length - 1 <= _options.MaxMessageSize + 64)
            {
                pending.EarlyFrames.Add((channel, frame.ToArray()));
                return;
            }
        }
        _drops.Count(DropReason.EarlyData, pending.Remote, "data before the handshake finished");
    }

    private void OpenAndDeliver(SecurePeer secure, ReadOnlySpan<byte> sealedFrame, byte channel)
    {
        var length = secure.Session.PlaintextLength(sealedFrame.Length);
        if (length < 0)
        {
            _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint, "sealed frame shorter than its tag");
            return;
        }
        if (length > _options.MaxMessageSize)
        {
            _drops.Count(DropReason.Oversized, secure.RemoteEndPoint, $"{length}-byte message");
            return;
        }
        var plaintext = GC.AllocateUninitializedArray<byte>(length);
        switch (secure.Session.TryOpen(sealedFrame, plaintext))
        {
            case SessionOpenStatus.Ok:
                secure.Verified(_time.GetTimestamp());
                if (!_inbound.Writer.TryWrite(new InboundMessage(secure, channel, plaintext)))
                    _drops.Count(DropReason.InboundQueueFull, secure.RemoteEndPoint);
                break;
            case SessionOpenStatus.Replayed:
                _drops.Count(DropReason.Replayed, secure.RemoteEndPoint);
                break;
            case SessionOpenStatus.Forged:
                _drops.Count(DropReason.Forged, secure.RemoteEndPoint);
                break;
            default:
                _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint);
                break;
        }
    }

    private void SendHandshake(NetPeer peer, FrameKind kind, byte[] body)
    {
        var frame = new byte[1 + body.Length];
        frame[0] = (byte)kind;
        body.CopyTo(frame, 1);
        peer.Send(frame, 0, DeliveryMethod.ReliableOrdered);
        _net.TriggerUpdate();
    }

    private void OnHandshakeTimeout(PendingHandshake pending)
    {
        lock (pending.Lock)
        {
            if (pending.Finished)
                return;
            _drops.Count(DropReason.HandshakeTimeout, pending.Remote, "inbound handshake");
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
            _drops.Count(DropReason.HandshakeFailed, pending.Remote, error);
        pending.Completion.TrySetResult(ConnectResult.Failure(error));
        pending.Dispose();
        if (pending.NetPeer is { } netPeer)
            _net.DisconnectPeer(netPeer);
    }
}
