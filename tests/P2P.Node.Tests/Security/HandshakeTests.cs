using P2P.Node.Security;

namespace P2P.Node.Tests.Security;

public class HandshakeTests
{
    private static (SecureSession Initiator, SecureSession Responder) Run(NodeIdentity a, NodeIdentity b, CipherSuite offered = CipherSuite.None, CipherSuite accepted = CipherSuite.None)
    {
        using var initiator = new HandshakeInitiator(a, b.PeerId, offered);
        using var responder = new HandshakeResponder(b, accepted);
        Assert.True(responder.TryProcessHello(initiator.CreateHello(), out var reply, out var e1), e1);
        Assert.True(initiator.TryProcessReply(reply, out var finish, out var si, out var e2), e2);
        Assert.True(responder.TryProcessFinish(finish, out var sr, out var e3), e3);
        return (si!, sr!);
    }

    [Fact]
    public void Handshake_BothSidesLearnEachOthersPeerId()
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        var (si, sr) = Run(a, b);
        Assert.Equal(b.PeerId, si.RemotePeer);
        Assert.Equal(a.PeerId, sr.RemotePeer);
        Assert.Equal(si.Suite, sr.Suite);
        Assert.Equal(CipherSuite.Aegis128L, si.Suite);
        var frame = si.Seal("ping"u8);
        var plain = new byte[sr.PlaintextLength(frame.Length)];
        Assert.Equal(SessionOpenStatus.Ok, sr.TryOpen(frame, plain));
        Assert.Equal("ping"u8.ToArray(), plain);
        var back = sr.Seal("pong"u8);
        plain = new byte[si.PlaintextLength(back.Length)];
        Assert.Equal(SessionOpenStatus.Ok, si.TryOpen(back, plain));
    }

    [Theory]
    [InlineData(CipherSuite.ChaCha20Poly1305, CipherSuite.Aegis128L | CipherSuite.ChaCha20Poly1305, CipherSuite.ChaCha20Poly1305)]
    [InlineData(CipherSuite.Aegis128L | CipherSuite.ChaCha20Poly1305, CipherSuite.ChaCha20Poly1305, CipherSuite.ChaCha20Poly1305)]
    [InlineData(CipherSuite.Aegis128L | CipherSuite.ChaCha20Poly1305, CipherSuite.None, CipherSuite.Aegis128L)]
    public void Handshake_NegotiatesBestCommonSuite(CipherSuite offered, CipherSuite accepted, CipherSuite expected)
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        var (si, sr) = Run(a, b, offered, accepted);
        Assert.Equal(expected, si.Suite);
        Assert.Equal(expected, sr.Suite);
    }

    [Fact]
    public void Handshake_NoCommonSuiteFails()
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        using var initiator = new HandshakeInitiator(a, null, CipherSuite.ChaCha20Poly1305);
        using var responder = new HandshakeResponder(b, CipherSuite.Aegis128L);
        Assert.False(responder.TryProcessHello(initiator.CreateHello(), out _, out var error));
        Assert.Contains("cipher suite", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryProcessReply_RejectsUnexpectedPeer()
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        using var c = NodeIdentity.Generate();
        using var initiator = new HandshakeInitiator(a, c.PeerId);
        using var responder = new HandshakeResponder(b);
        Assert.True(responder.TryProcessHello(initiator.CreateHello(), out var reply, out _));
        Assert.False(initiator.TryProcessReply(reply, out var finish, out var session, out var error));
        Assert.Null(finish);
        Assert.Null(session);
        Assert.Contains("expected peer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryProcessReply_RejectsAnyFlippedBit()
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        for (var bit = 0; bit < HandshakeProtocol.ReplyLength * 8; bit += 7)
        {
            using var initiator = new HandshakeInitiator(a, b.PeerId);
            using var responder = new HandshakeResponder(b);
            Assert.True(responder.TryProcessHello(initiator.CreateHello(), out var reply, out _));
            reply![bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(initiator.TryProcessReply(reply, out _, out _, out _), $"bit {bit}");
        }
    }

    [Fact]
    public void TryProcessFinish_RejectsTamperedOrTruncated()
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        using var initiator = new HandshakeInitiator(a);
        using var responder = new HandshakeResponder(b);
        Assert.True(responder.TryProcessHello(initiator.CreateHello(), out var reply, out _));
        Assert.True(initiator.TryProcessReply(reply, out var finish, out _, out _));
        finish![50] ^= 1;
        Assert.False(responder.TryProcessFinish(finish, out var session, out var error));
        Assert.Null(session);
        Assert.Contains("identity", error, StringComparison.Ordinal);
        using var responder2 = new HandshakeResponder(b);
        Assert.False(responder2.TryProcessHello(new byte[5], out _, out var e2));
        Assert.Contains("34 bytes", e2, StringComparison.Ordinal);
    }

    [Fact]
    public void TryProcessHello_RejectsLowOrderEphemeral()
    {
        using var b = NodeIdentity.Generate();
        using var responder = new HandshakeResponder(b);
        var hello = new byte[HandshakeProtocol.HelloLength];
        hello[0] = HandshakeProtocol.Version;
        hello[1] = (byte)CipherSuite.ChaCha20Poly1305;
        Assert.False(responder.TryProcessHello(hello, out _, out var error));
        Assert.Contains("ephemeral", error, StringComparison.Ordinal);
    }
}
