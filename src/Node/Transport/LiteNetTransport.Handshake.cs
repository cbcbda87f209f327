using LiteNetLib;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// Anti-amplification on the handshake path (docs/TRANSPORT.md, "Amplification"). Until the finish arrives the
/// responder cannot know the source address is real: LiteNetLib accepts a connection request without a return
/// trip, so a request and a hello with a forged source would make us send to a victim. RFC 9000 section 8.1 bounds
/// a QUIC server to three times the bytes it received from an unvalidated address; we keep to about one:
/// <list type="bullet">
/// <item>the hello is padded to the reply's size, so each reply answers at least as many bytes;</item>
/// <item>hello and reply travel unreliably, so LiteNetLib never resends the reply on its own (as a reliable send it
/// was resent every ~25 ms for the whole handshake timeout, hundreds of times the hello's bytes);</item>
/// <item>the initiator resends its hello until a reply comes, and the responder answers each copy with the same reply,
/// at most <see cref="MaxHandshakeSends"/> times.</item>
/// </list>
/// The finish, sent once the initiator has the reply, stays reliable: it is the initiator's proof of address.
/// </summary>
public sealed partial class LiteNetTransport
{
    /// <summary>Bytes of a hello frame's body: the hello, then zeros up to the reply's length.</summary>
    internal const int PaddedHelloLength = HandshakeProtocol.ReplyLength;

    /// <summary>Hellos an initiator sends, and replies a responder sends, per handshake.</summary>
    internal const int MaxHandshakeSends = 8;

    /// <summary>Gap between hello retransmissions: many loopback or LAN round trips, a few WAN ones.</summary>
    internal static readonly TimeSpan HelloRetransmitInterval = TimeSpan.FromMilliseconds(250);

    private static byte[] PaddedHello(byte[] hello)
    {
        var frame = new byte[1 + PaddedHelloLength];
        frame[0] = (byte)FrameKind.Hello;
        hello.CopyTo(frame, 1);
        return frame;
    }

    /// <summary>A hello (first or retransmitted) for an inbound handshake. Caller holds pending.Lock.</summary>
    private void OnHelloLocked(PendingHandshake pending, NetPeer peer, ReadOnlySpan<byte> body)
    {
        if (body.Length != PaddedHelloLength)
        {
            FailLocked(pending, $"handshake hello frame must be {PaddedHelloLength} bytes, not {body.Length}");
            return;
        }
        if (pending.HandshakeFrame is { } reply)
        {
            // Our reply was lost (or is late): answer this copy with the same bytes, within the budget.
            if (pending.HandshakeSends < MaxHandshakeSends)
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
        var frame = new byte[1 + replyBody!.Length];
        frame[0] = (byte)FrameKind.Reply;
        replyBody.CopyTo(frame, 1);
        pending.HandshakeFrame = frame;
        pending.HandshakeSends = 1;
        SendUnreliable(peer, frame);
    }

    private void SendUnreliable(NetPeer peer, byte[] frame)
    {
        peer.Send(frame, 0, DeliveryMethod.Unreliable);
        _net.TriggerUpdate();
    }

    /// <summary>The outbound hello's retransmission timer: resends until the reply arrives or the budget is spent.</summary>
    private sealed class HelloRetransmit(LiteNetTransport transport, PendingHandshake pending)
    {
        public void Run()
        {
            byte[] frame;
            NetPeer peer;
            lock (pending.Lock)
            {
                if (pending.Finished || pending.HandshakeFrame is null || pending.NetPeer is null || pending.HandshakeSends >= MaxHandshakeSends)
                    return;
                pending.HandshakeSends++;
                frame = pending.HandshakeFrame;
                peer = pending.NetPeer;
            }
            transport.SendUnreliable(peer, frame);
        }
    }
}
