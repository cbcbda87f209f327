using System.Net;
using LiteNetLib.Layers;

namespace P2P.Node.Transport;

/// <summary>
/// Sees every datagram before LiteNetLib does and drops the unauthenticated control packets that would let anyone
/// who can forge a live peer's source address tear its session down (issue 11 item 6; docs/TRANSPORT.md,
/// "Spoofed control packets"). LiteNetLib trusts the source address: a connect request with a later connect time
/// resets the connection ("reconnection"), a disconnect carrying the connect time (visible in the captured connect
/// request) closes it, and a "peer not found" reply closes it too. None of these carries anything a spoofer cannot
/// copy, so for an endpoint with an authenticated session:
/// <list type="bullet">
/// <item>a disconnect passes only when it carries a sealed goodbye that the session opens (our own disconnects add one);</item>
/// <item>a connect request passes only when the session has been silent for <see cref="SessionLiveness.SilentAfter"/>
/// (no frame verified, although each side sends a sealed keepalive every <see cref="SessionLiveness.KeepaliveInterval"/>),
/// which is what a restarted peer looks like; LiteNetLib then replaces the old connection as before;</item>
/// <item>"peer not found", connect accepts and invalid-protocol replies never pass.</item>
/// </list>
/// A dropped connect request, disconnect or "peer not found" still means something if it is genuine (the peer
/// restarted or left without a goodbye), so it marks the session suspect: if nothing verifies for
/// <see cref="SessionLiveness.SilentAfter"/> after that, the keepalive tick closes it locally. A live peer answers
/// the suspicion by simply keeping on sending keepalives, which no spoofer can forge.
/// Everything else (data, acks, pings) passes: LiteNetLib drops stale sequence numbers itself and every data frame
/// is authenticated and replay-checked above it.
/// Runs on LiteNetLib's receive thread; allocation-free for the packets it does not inspect.
/// </summary>
internal sealed class SessionGuard(SessionTable sessions, SessionLiveness liveness, DropCounter<DropReason> drops) : PacketLayerBase(0)
{
    // LiteNetLib 2.1.5 packet properties: the low five bits of the first byte (bits 5-6 carry the connection number).
    private const int PropertyMask = 0x1F;
    private const int ConnectRequest = 6;
    private const int ConnectAccept = 7;
    private const int Disconnect = 8;
    private const int PeerNotFound = 15;
    private const int InvalidProtocol = 16;

    /// <summary>Bytes before a disconnect packet's additional data: property, then the 8-byte connect time.</summary>
    internal const int DisconnectHeaderLength = 9;

    public override void ProcessInboundPacket(ref IPEndPoint endPoint, ref byte[] data, ref int length)
    {
        if (length < 1)
            return;
        var property = data[0] & PropertyMask;
        if (property is not (ConnectRequest or ConnectAccept or Disconnect or PeerNotFound or InvalidProtocol))
            return;
        var session = sessions.FindByEndPoint(endPoint);
        if (session is null)
            return;
        switch (property)
        {
            case Disconnect when length > DisconnectHeaderLength
                                 && SessionLiveness.IsGoodbye(session, data.AsSpan(DisconnectHeaderLength, length - DisconnectHeaderLength)):
                return;
            case ConnectRequest when liveness.IsSilent(session):
                // The peer has gone quiet: most likely it restarted and this is its new connection. Let LiteNetLib
                // replace the old one.
                return;
            case ConnectRequest or Disconnect or PeerNotFound:
                liveness.Suspect(session);
                break;
        }
        drops.Count(DropReason.SpoofedControl, session.RemoteEndPoint, $"unauthenticated LiteNetLib control packet {property} for a live session");
        length = 0;
    }

    public override void ProcessOutBoundPacket(ref IPEndPoint endPoint, ref byte[] data, ref int offset, ref int length)
    {
    }
}
