using System.Net;
using System.Net.Sockets;
using LiteNetLib;
using LiteNetLib.Utils;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Transport;

/// <summary>
/// Routes LiteNetLib's callbacks to the part of the transport that owns them, so the public type does not expose
/// LiteNetLib: connections without a session to <see cref="HandshakeCoordinator"/>, frames on a session to
/// <see cref="InboundDelivery"/> or <see cref="SessionLiveness"/>, a session's end to the transport. With
/// UnsyncedEvents these run on LiteNetLib's receive and logic threads. Every reader is recycled here (AutoRecycle
/// is off), including on paths the transport ignores. Created before the parts it routes to (the manager needs it
/// first), and given them by <see cref="Route"/> before the manager starts.
/// </summary>
internal sealed class TransportListener : INetEventListener
{
    private LiteNetTransport _transport = null!;
    private HandshakeCoordinator _handshakes = null!;
    private InboundDelivery _delivery = null!;
    private SessionLiveness _liveness = null!;
    private DropCounter<DropReason> _drops = null!;
    private NatService _nat = null!;
    private LogicPace _pace = null!;

    public void Route(LiteNetTransport transport, HandshakeCoordinator handshakes, InboundDelivery delivery, SessionLiveness liveness, DropCounter<DropReason> drops, NatService nat, LogicPace pace)
    {
        _nat = nat;
        _pace = pace;
        _transport = transport;
        _handshakes = handshakes;
        _delivery = delivery;
        _liveness = liveness;
        _drops = drops;
    }

    public void OnConnectionRequest(ConnectionRequest request) => _handshakes.OnConnectionRequest(request);

    public void OnPeerConnected(NetPeer peer) => _handshakes.OnPeerConnected(peer);

    public void OnPeerDisconnected(NetPeer peer, DisconnectInfo disconnectInfo)
    {
        try
        {
            if (peer.Tag is not SecurePeer secure || !_transport.OnSessionClosed(secure, disconnectInfo.Reason))
                _handshakes.OnConnectionClosed(peer, disconnectInfo.Reason);
        }
        finally
        {
            disconnectInfo.AdditionalData?.Recycle();
        }
    }

    public void OnNetworkReceive(NetPeer peer, NetPacketReader reader, byte channelNumber, DeliveryMethod deliveryMethod)
    {
        try
        {
            OnFrame(peer, reader.GetRemainingBytesSpan(), channelNumber);
        }
        finally
        {
            reader.Recycle();
        }
        // Its ack is due now that LiteNetLib has read it: on the slow tick, the pace wakes the logic thread to send it.
        if (deliveryMethod is DeliveryMethod.ReliableOrdered or DeliveryMethod.ReliableUnordered)
            _pace.OnDelivered();
    }

    private void OnFrame(NetPeer peer, ReadOnlySpan<byte> frame, byte channel)
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
                _delivery.OpenAndDeliver(secure, frame[1..], channel);
            else if (kind == FrameKind.Keepalive)
                _liveness.OnKeepalive(secure, frame[1..]);
            else if (kind == FrameKind.Control)
                _nat.OnControlFrame(secure, frame[1..]);
            else if (kind is not (FrameKind.Hello or FrameKind.Reply))
                _drops.Count(DropReason.MalformedFrame, from, $"frame kind {frame[0]} after the handshake");
            // A hello or reply after the handshake is a retransmission that crossed the message ending it: ignored.
            return;
        }
        if (peer.Tag is PendingHandshake pending)
            _handshakes.OnFrame(pending, peer, frame, channel);
        else
            _drops.Count(DropReason.MalformedFrame, from, "frame from a peer without a handshake");
    }

    public void OnNetworkReceiveUnconnected(IPEndPoint remoteEndPoint, NetPacketReader reader, UnconnectedMessageType messageType) =>
        reader.Recycle();

    public void OnNetworkError(IPEndPoint endPoint, SocketError socketError) => _transport.OnNetworkError(endPoint, socketError);

    public void OnNetworkLatencyUpdate(NetPeer peer, int latency)
    {
    }

    public void OnMessageDelivered(NetPeer peer, object userData)
    {
    }

    public void OnNtpResponse(NtpPacket packet)
    {
    }

    public void OnPeerAddressChanged(NetPeer peer, IPEndPoint previousAddress)
    {
    }
}
