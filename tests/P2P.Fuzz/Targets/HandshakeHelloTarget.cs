using P2P.Fuzz.Engine;
using P2P.Node.Security;

namespace P2P.Fuzz.Targets;

/// <summary>HandshakeResponder.TryProcessHello: the first bytes an unknown peer sends us. A fresh responder per input.</summary>
public sealed class HandshakeHelloTarget : IFuzzTarget
{
    private static readonly NodeIdentity Responder = Samples.Identity(1);

    public string Name => "handshake-hello";

    public int MaxInputLength => 200;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[1, 1], [1, 2], [1, 3], [1, 0xFF], [0, 0]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        using var responder = new HandshakeResponder(Responder);
        if (!responder.TryProcessHello(input, out var reply, out var error))
        {
            if (string.IsNullOrEmpty(error) || reply is not null)
                throw new FuzzInvariantException("TryProcessHello failed without an error, or with a reply");
            return "rejected: " + error;
        }
        if (reply is null || error is not null)
            throw new FuzzInvariantException("TryProcessHello succeeded without a reply");
        // The state machine must refuse a second hello rather than mix it into the transcript.
        if (responder.TryProcessHello(input, out _, out _))
            throw new FuzzInvariantException("responder accepted a second hello");
        return $"ok suite {reply[1]}";
    }

    public IEnumerable<byte[]> Seeds()
    {
        using var initiator = new HandshakeInitiator(Samples.Identity(2));
        yield return initiator.CreateHello();
    }
}
