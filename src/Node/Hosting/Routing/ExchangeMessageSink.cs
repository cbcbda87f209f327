using P2P.Node.Exchange;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Hosting.Routing;

/// <summary>
/// Hands the router's exchange messages to the <see cref="BlockExchange"/> (which knows nothing of the router);
/// message types the exchange does not handle are reported back as refused.
/// </summary>
public sealed class ExchangeMessageSink(BlockExchange exchange, DropCounter<MessageDropReason> drops) : IWireMessageSink
{
    public ValueTask HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct)
    {
        if (BlockExchange.IsExchangeMessage(message.Type))
            return exchange.HandleAsync(raw, message, ct);
        drops.Count(MessageDropReason.NoExchange, raw.PeerId, $"{message.Type} is not an exchange message");
        return ValueTask.CompletedTask;
    }
}
