using P2P.Node.Security;

namespace P2P.Node.Tests.Security;

public class SecureSessionTests
{
    private static (SecureSession Sender, SecureSession Receiver) Pair(CipherSuite suite)
    {
        using var a = NodeIdentity.Generate();
        using var b = NodeIdentity.Generate();
        using var initiator = new HandshakeInitiator(a, null, suite);
        using var responder = new HandshakeResponder(b);
        Assert.True(responder.TryProcessHello(initiator.CreateHello(), out var reply, out _));
        Assert.True(initiator.TryProcessReply(reply, out var finish, out var si, out _));
        Assert.True(responder.TryProcessFinish(finish, out var sr, out _));
        return (si!, sr!);
    }

    private static SessionOpenStatus Open(SecureSession s, byte[] frame) =>
        s.TryOpen(frame, new byte[Math.Max(0, s.PlaintextLength(frame.Length))]);

    [Theory]
    [InlineData(CipherSuite.Aegis128L)]
    [InlineData(CipherSuite.Aes256Gcm)]
    [InlineData(CipherSuite.ChaCha20Poly1305)]
    public void TryOpen_AcceptsOnceThenCountsReplay(CipherSuite suite)
    {
        if ((CipherSuites.Supported & suite) == 0)
            return;
        var (s, r) = Pair(suite);
        var frame = s.Seal(new byte[1000]);
        Assert.Equal(SessionOpenStatus.Ok, Open(r, frame));
        Assert.Equal(SessionOpenStatus.Replayed, Open(r, frame));
    }

    [Fact]
    public void TryOpen_DropsTamperedAndShortFrames()
    {
        var (s, r) = Pair(CipherSuite.Aegis128L);
        var frame = s.Seal(new byte[64]);
        frame[20] ^= 0x80;
        Assert.Equal(SessionOpenStatus.Forged, Open(r, frame));
        Assert.Equal(SessionOpenStatus.Malformed, Open(r, new byte[5]));
        frame[20] ^= 0x80;
        Assert.Equal(SessionOpenStatus.Ok, Open(r, frame));
    }

    [Theory]
    [InlineData(CipherSuite.Aegis128L)]
    [InlineData(CipherSuite.Aes256Gcm)]
    [InlineData(CipherSuite.ChaCha20Poly1305)]
    public void TryOpen_InPlace_DecryptsAndStillRefusesTampering(CipherSuite suite)
    {
        if ((CipherSuites.Supported & suite) == 0)
            return;
        var (s, r) = Pair(suite);
        var plaintext = new byte[300_000];
        new Random(7).NextBytes(plaintext);
        var tampered = s.Seal(plaintext);
        tampered[1000] ^= 0x01;
        var frame = s.Seal(plaintext);

        // The bulk reader decrypts a record where it lies: the plaintext starts where the ciphertext does.
        Assert.Equal(SessionOpenStatus.Forged, r.TryOpen(tampered, tampered.AsSpan(SecureSession.CounterLength, plaintext.Length)));
        Assert.Equal(SessionOpenStatus.Ok, r.TryOpen(frame, frame.AsSpan(SecureSession.CounterLength, plaintext.Length)));
        Assert.Equal(plaintext, frame.AsSpan(SecureSession.CounterLength, plaintext.Length).ToArray());
    }

    [Fact]
    public void TryOpen_AcceptsReorderedWithinWindowButNotOlder()
    {
        var (s, r) = Pair(CipherSuite.Aegis128L);
        var frames = Enumerable.Range(0, 20).Select(_ => s.Seal("x"u8)).ToArray();
        var random = new Random(42);
        foreach (var i in Enumerable.Range(0, 20).OrderBy(_ => random.Next()))
            Assert.Equal(SessionOpenStatus.Ok, Open(r, frames[i]));
        var old = s.Seal("old"u8);
        for (var i = 0; i < ReplayWindow.Size + 1; i++)
            s.Seal(ReadOnlySpan<byte>.Empty);
        var latest = s.Seal("new"u8);
        Assert.Equal(SessionOpenStatus.Ok, Open(r, latest));
        Assert.Equal(SessionOpenStatus.Replayed, Open(r, old));
    }

    [Fact]
    public void TryOpen_RejectsOtherDirectionsFrames()
    {
        var (s, r) = Pair(CipherSuite.Aegis128L);
        var frame = s.Seal("x"u8);
        Assert.Equal(SessionOpenStatus.Forged, Open(s, frame));
        Assert.Equal(SessionOpenStatus.Ok, Open(r, frame));
    }
}
