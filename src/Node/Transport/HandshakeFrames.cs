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
/// at most <see cref="MaxSends"/> times.</item>
/// </list>
/// The finish, sent once the initiator has the reply, stays reliable: it is the initiator's proof of address.
/// </summary>
internal static class HandshakeFrames
{
    /// <summary>Bytes of a hello frame's body: the hello, then zeros up to the reply's length.</summary>
    public const int PaddedHelloLength = HandshakeProtocol.ReplyLength;

    /// <summary>Hellos an initiator sends, and replies a responder sends, per handshake.</summary>
    public const int MaxSends = 8;

    /// <summary>Gap between hello retransmissions: many loopback or LAN round trips, a few WAN ones.</summary>
    public static readonly TimeSpan HelloRetransmitInterval = TimeSpan.FromMilliseconds(250);

    public static byte[] PaddedHello(byte[] hello)
    {
        var frame = new byte[1 + PaddedHelloLength];
        frame[0] = (byte)FrameKind.Hello;
        hello.CopyTo(frame, 1);
        return frame;
    }

    /// <summary>A frame of the given kind: the kind byte, then the body.</summary>
    public static byte[] Frame(FrameKind kind, byte[] body)
    {
        var frame = new byte[1 + body.Length];
        frame[0] = (byte)kind;
        body.CopyTo(frame, 1);
        return frame;
    }
}
