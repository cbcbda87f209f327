using P2P.Node.Hosting.Routing;
using P2P.Node.Multiformats;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Limits;

/// <summary>
/// An exchange sink that completes <see cref="Reached"/> on the first exchange message: the router handles a
/// node's inbound messages in arrival order, so a message sent after a flood on the same channel proves the
/// flood was handled when it arrives.
/// </summary>
internal sealed class BarrierSink : IWireMessageSink
{
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct)
    {
        Reached.TrySetResult();
        return ValueTask.CompletedTask;
    }

    /// <summary>The message to send as the barrier.</summary>
    public static byte[] Message() => WireCodec.Encode(new WantHaveMessage { Cids = [Cid.V1(Multicodec.Raw, Multihash.Sha256([])).Bytes.ToArray()] });
}
