using P2P.Fuzz.Engine;
using P2P.Node.Security;

namespace P2P.Fuzz.Targets;

/// <summary>
/// SecureSession.TryOpen, which every post-handshake datagram meets. With the first byte odd the rest is sealed
/// by the genuine peer and must open once (Ok) and then be refused as Replayed; with it even the rest is a
/// frame from an attacker without the key and must never open. One session pair per target instance.
/// </summary>
public sealed class SessionOpenTarget : IFuzzTarget
{
    private readonly SecureSession _sender;
    private readonly SecureSession _receiver;

    public SessionOpenTarget()
    {
        using var initiator = new HandshakeInitiator(Samples.Identity(2));
        using var responder = new HandshakeResponder(Samples.Identity(1));
        if (!responder.TryProcessHello(initiator.CreateHello(), out var reply, out _) ||
            !initiator.TryProcessReply(reply!, out var finish, out var sender, out _) ||
            !responder.TryProcessFinish(finish!, out var receiver, out _))
            throw new InvalidOperationException("could not set up a session to fuzz");
        _sender = sender!;
        _receiver = receiver!;
    }

    public string Name => "session-open";

    public int MaxInputLength => 2048;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F], [0, 0, 0, 0, 0, 0, 0, 0x40], new byte[8]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        if (!input.IsEmpty && (input[0] & 1) == 1)
        {
            var frame = _sender.Seal(input[1..]);
            var plaintext = new byte[_receiver.PlaintextLength(frame.Length)];
            var first = _receiver.TryOpen(frame, plaintext);
            if (first != SessionOpenStatus.Ok || !plaintext.AsSpan().SequenceEqual(input[1..]))
                throw new FuzzInvariantException($"genuine frame opened as {first}");
            var second = _receiver.TryOpen(frame, plaintext);
            if (second != SessionOpenStatus.Replayed)
                throw new FuzzInvariantException($"replayed frame opened as {second}");
            return "ok genuine";
        }
        var forged = input.IsEmpty ? [] : input[1..];
        var length = _receiver.PlaintextLength(forged.Length);
        var status = _receiver.TryOpen(forged, new byte[Math.Max(length, 0)]);
        if (status == SessionOpenStatus.Ok)
            throw new FuzzInvariantException("a frame forged without the key was accepted");
        if (length < 0 && status != SessionOpenStatus.Malformed)
            throw new FuzzInvariantException($"a frame shorter than the overhead gave {status}");
        return "rejected " + status;
    }

    public IEnumerable<byte[]> Seeds() => [[1], [1, .. "hello"u8], [0, .. new byte[40]], [0, 5, 0, 0, 0, 0, 0, 0, 0, .. new byte[20]]];
}
