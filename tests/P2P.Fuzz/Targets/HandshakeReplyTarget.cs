using P2P.Fuzz.Engine;
using P2P.Node.Security;

namespace P2P.Fuzz.Targets;

/// <summary>
/// HandshakeInitiator.TryProcessReply on a raw or patched genuine reply (see <see cref="Patch"/>). Beyond not
/// crashing: a reply that differs from the genuine one in any bit must be refused, since every byte is bound
/// by the transcript the responder signs.
/// </summary>
public sealed class HandshakeReplyTarget : IFuzzTarget
{
    private static readonly NodeIdentity ResponderIdentity = Samples.Identity(1);
    private static readonly NodeIdentity InitiatorIdentity = Samples.Identity(2);

    public string Name => "handshake-reply";

    public int MaxInputLength => 300;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[1], [0x80], [0xFF]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        using var initiator = new HandshakeInitiator(InitiatorIdentity, ResponderIdentity.PeerId);
        using var responder = new HandshakeResponder(ResponderIdentity);
        if (!responder.TryProcessHello(initiator.CreateHello(), out var genuine, out var helloError))
            throw new InvalidOperationException("genuine hello refused: " + helloError);
        var reply = Patch.Apply(input, genuine!, out var patched);
        if (!initiator.TryProcessReply(reply, out var finish, out var session, out var error))
        {
            if (string.IsNullOrEmpty(error) || finish is not null || session is not null)
                throw new FuzzInvariantException("TryProcessReply failed without an error, or with outputs");
            return "rejected: " + error;
        }
        using (session)
        {
            if (patched)
                throw new FuzzInvariantException("a modified handshake reply was accepted");
            if (session!.RemotePeer != ResponderIdentity.PeerId || finish is null)
                throw new FuzzInvariantException("genuine reply gave the wrong peer or no finish");
        }
        return "ok";
    }

    public IEnumerable<byte[]> Seeds() => Patch.Seeds(146);
}
