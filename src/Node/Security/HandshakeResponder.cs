using NSec.Cryptography;
using P2P.Node.Multiformats;

namespace P2P.Node.Security;

/// <summary>
/// The accepting side of the handshake (see <c>HandshakeProtocol</c>): process the hello, send the reply, then
/// process the finish to learn (and only then trust) the initiator's PeerId. One instance per attempt; not thread-safe.
/// </summary>
public sealed class HandshakeResponder : IDisposable
{
    private readonly NodeIdentity _identity;
    private readonly CipherSuite _accepted;
    private readonly Key _ephemeral;
    private SharedSecret? _secret;
    private byte[]? _transcript;
    private CipherSuite _suite;
    private int _step;

    public HandshakeResponder(NodeIdentity identity, CipherSuite accepted = CipherSuite.None)
    {
        _identity = identity;
        _accepted = (accepted == CipherSuite.None ? CipherSuites.Supported : accepted) & CipherSuites.Supported;
        if (_accepted == CipherSuite.None)
            throw new ArgumentException("none of the accepted cipher suites is supported here", nameof(accepted));
        _ephemeral = HandshakeProtocol.CreateEphemeral();
    }

    /// <summary>Checks a hello and builds the reply; false with a one-line reason when it is malformed or shares no suite.</summary>
    public bool TryProcessHello(ReadOnlySpan<byte> hello, out byte[]? reply, out string? error)
    {
        reply = null;
        if (_step != 0)
        {
            error = "handshake is not waiting for a hello";
            return false;
        }
        _step = 1;
        if (hello.Length != HandshakeProtocol.HelloLength)
        {
            error = $"handshake hello must be {HandshakeProtocol.HelloLength} bytes, not {hello.Length}";
            return false;
        }
        if (hello[0] != HandshakeProtocol.Version)
        {
            error = $"unsupported handshake version {hello[0]}";
            return false;
        }
        _suite = CipherSuites.Choose((CipherSuite)hello[1], _accepted);
        if (_suite == CipherSuite.None)
        {
            error = $"no common cipher suite (offered {hello[1]})";
            return false;
        }
        _secret = HandshakeProtocol.TryAgree(_ephemeral, hello[2..]);
        if (_secret is null)
        {
            error = "initiator's ephemeral key is invalid";
            return false;
        }
        var h1 = HandshakeProtocol.Mix(HandshakeProtocol.InitialHash, hello);
        var message = new byte[HandshakeProtocol.ReplyLength];
        message[0] = HandshakeProtocol.Version;
        message[1] = (byte)_suite;
        HandshakeProtocol.ExportEphemeral(_ephemeral).CopyTo(message, 2);
        var h2 = HandshakeProtocol.Mix(h1, message.AsSpan(0, HandshakeProtocol.ReplyHeaderLength));
        var sealedIdentity = message.AsSpan(HandshakeProtocol.ReplyHeaderLength);
        using (var key = HandshakeProtocol.IdentityKey(_secret, h2, responder: true))
            HandshakeProtocol.SealIdentity(_identity, key, h2, responder: true, sealedIdentity);
        _transcript = HandshakeProtocol.Mix(h2, sealedIdentity);
        reply = message;
        error = null;
        return true;
    }

    /// <summary>Checks the finish message; on success the initiator has proven its PeerId and the session is ready.</summary>
    public bool TryProcessFinish(ReadOnlySpan<byte> finish, out SecureSession? session, out string? error)
    {
        session = null;
        if (_step != 1 || _secret is null || _transcript is null)
        {
            error = "handshake is not waiting for a finish";
            return false;
        }
        _step = 2;
        if (finish.Length != HandshakeProtocol.FinishLength)
        {
            error = $"handshake finish must be {HandshakeProtocol.FinishLength} bytes, not {finish.Length}";
            return false;
        }
        if (finish[0] != HandshakeProtocol.Version)
        {
            error = $"unsupported handshake version {finish[0]}";
            return false;
        }
        var h3 = _transcript;
        PeerId? initiator;
        using (var key = HandshakeProtocol.IdentityKey(_secret, h3, responder: false))
            initiator = HandshakeProtocol.TryOpenIdentity(key, h3, responder: false, finish[1..]);
        if (initiator is null)
        {
            error = "initiator failed to prove its identity";
            return false;
        }
        var h4 = HandshakeProtocol.Mix(h3, finish[1..]);
        var (send, receive) = HandshakeProtocol.SessionKeys(_secret, h4, _suite, initiator: false);
        session = new SecureSession(initiator, _suite, send, receive);
        error = null;
        return true;
    }

    public void Dispose()
    {
        _secret?.Dispose();
        _ephemeral.Dispose();
    }
}
