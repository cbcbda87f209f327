using NSec.Cryptography;
using P2P.Node.Multiformats;

namespace P2P.Node.Security;

/// <summary>
/// The dialling side of the handshake (see <c>HandshakeProtocol</c> for the messages). Call
/// <see cref="CreateHello"/>, send it, then feed the reply to <see cref="TryProcessReply"/>: on success send the
/// finish message and use the session. One instance serves one attempt; not thread-safe.
/// </summary>
public sealed class HandshakeInitiator : IDisposable
{
    private readonly NodeIdentity _identity;
    private readonly PeerId? _expectedPeer;
    private readonly CipherSuite _offered;
    private readonly Key _ephemeral;
    private byte[]? _transcript;
    private bool _done;

    /// <param name="identity">Our long-term key.</param>
    /// <param name="expectedPeer">When set, a responder proving any other PeerId is rejected.</param>
    /// <param name="offered">Suites we accept; defaults to every suite this process supports.</param>
    public HandshakeInitiator(NodeIdentity identity, PeerId? expectedPeer = null, CipherSuite offered = CipherSuite.None)
    {
        _identity = identity;
        _expectedPeer = expectedPeer;
        _offered = (offered == CipherSuite.None ? CipherSuites.Supported : offered) & CipherSuites.Supported;
        if (_offered == CipherSuite.None)
            throw new ArgumentException("none of the offered cipher suites is supported here", nameof(offered));
        _ephemeral = HandshakeProtocol.CreateEphemeral();
    }

    public byte[] CreateHello()
    {
        if (_transcript is not null)
            throw new InvalidOperationException("hello already created");
        var hello = new byte[HandshakeProtocol.HelloLength];
        hello[0] = HandshakeProtocol.Version;
        hello[1] = (byte)_offered;
        HandshakeProtocol.ExportEphemeral(_ephemeral).CopyTo(hello, 2);
        _transcript = HandshakeProtocol.Mix(HandshakeProtocol.InitialHash, hello);
        return hello;
    }

    /// <summary>
    /// Checks the responder's reply. On success returns the finish message to send and the established session;
    /// otherwise false with a one-line reason (bad length, version, suite, DH, box, signature or unexpected PeerId).
    /// </summary>
    public bool TryProcessReply(ReadOnlySpan<byte> reply, out byte[]? finish, out SecureSession? session, out string? error)
    {
        finish = null;
        session = null;
        if (_transcript is null || _done)
        {
            error = "handshake is not waiting for a reply";
            return false;
        }
        _done = true;
        if (reply.Length != HandshakeProtocol.ReplyLength)
        {
            error = $"handshake reply must be {HandshakeProtocol.ReplyLength} bytes, not {reply.Length}";
            return false;
        }
        if (reply[0] != HandshakeProtocol.Version)
        {
            error = $"unsupported handshake version {reply[0]}";
            return false;
        }
        var suite = (CipherSuite)reply[1];
        if (!CipherSuites.IsSingle(suite) || (suite & _offered) == 0)
        {
            error = $"responder chose cipher suite {reply[1]}, which was not offered";
            return false;
        }
        using var secret = HandshakeProtocol.TryAgree(_ephemeral, reply.Slice(2, HandshakeProtocol.EphemeralLength));
        if (secret is null)
        {
            error = "responder's ephemeral key is invalid";
            return false;
        }
        var h2 = HandshakeProtocol.Mix(_transcript, reply[..HandshakeProtocol.ReplyHeaderLength]);
        var sealedResponder = reply[HandshakeProtocol.ReplyHeaderLength..];
        PeerId? responder;
        using (var responderKey = HandshakeProtocol.IdentityKey(secret, h2, responder: true))
            responder = HandshakeProtocol.TryOpenIdentity(responderKey, h2, responder: true, sealedResponder);
        if (responder is null)
        {
            error = "responder failed to prove its identity";
            return false;
        }
        if (_expectedPeer is not null && responder != _expectedPeer)
        {
            error = $"expected peer {_expectedPeer} but the responder proved {responder}";
            return false;
        }
        var h3 = HandshakeProtocol.Mix(h2, sealedResponder);
        var message = new byte[HandshakeProtocol.FinishLength];
        message[0] = HandshakeProtocol.Version;
        using (var initiatorKey = HandshakeProtocol.IdentityKey(secret, h3, responder: false))
            HandshakeProtocol.SealIdentity(_identity, initiatorKey, h3, responder: false, message.AsSpan(1));
        var h4 = HandshakeProtocol.Mix(h3, message.AsSpan(1));
        var (send, receive) = HandshakeProtocol.SessionKeys(secret, h4, suite, initiator: true);
        session = new SecureSession(responder, suite, send, receive);
        finish = message;
        error = null;
        return true;
    }

    public void Dispose() => _ephemeral.Dispose();
}
