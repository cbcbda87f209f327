using P2P.Fuzz.Engine;
using P2P.Node.Security;

namespace P2P.Fuzz.Targets;

/// <summary>
/// HandshakeResponder.TryProcessFinish on a raw or patched genuine finish (see <see cref="Patch"/>): any
/// modified finish must be refused, the genuine one must prove the initiator's PeerId.
/// </summary>
public sealed class HandshakeFinishTarget : IFuzzTarget
{
    private static readonly NodeIdentity ResponderIdentity = Samples.Identity(1);
    private static readonly NodeIdentity InitiatorIdentity = Samples.Identity(2);

    public string Name => "handshake-finish";

    public int MaxInputLength => 300;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[1], [0x80], [0xFF]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        using var initiator = new HandshakeInitiator(InitiatorIdentity);
        using var responder = new HandshakeResponder(ResponderIdentity);
        if (!responder.TryProcessHello(initiator.CreateHello(), out var reply, out var helloError))
            throw new InvalidOperationException("genuine hello refused: " + helloError);
        if (!initiator.TryProcessReply(reply!, out var genuine, out var initiatorSession, out var replyError))
            throw new InvalidOperationException("genuine reply refused: " + replyError);
        initiatorSession!.Dispose();
        var finish = Patch.Apply(input, genuine!, out var patched);
        if (!responder.TryProcessFinish(finish, out var session, out var error))
        {
            if (string.IsNullOrEmpty(error) || session is not null)
                throw new FuzzInvariantException("TryProcessFinish failed without an error, or with a session");
            return "rejected: " + error;
        }
        using (session)
        {
            if (patched)
                throw new FuzzInvariantException("a modified handshake finish was accepted");
            if (session!.RemotePeer != InitiatorIdentity.PeerId)
                throw new FuzzInvariantException("genuine finish proved the wrong peer");
        }
        return "ok";
    }

    public IEnumerable<byte[]> Seeds() => Patch.Seeds(113);
}
