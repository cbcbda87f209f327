using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Hosting.Routing;

/// <summary>
/// Receives the exchange's messages (wire types 16-31) that the <see cref="MessageRouter"/> decoded. Called from
/// the router's single loop, in arrival order: an implementation hands long work off instead of blocking.
/// </summary>
public interface IWireMessageSink
{
    ValueTask HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct);
}
