using P2P.Dht;
using P2P.Dht.Network;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.DhtBinding;

/// <summary>
/// Answers DHT requests from authenticated peers by calling the DHT's <see cref="IDhtRequestHandler"/> with the
/// sender's proven identity and the endpoint it speaks from. Replies go back on the channel the request came on.
/// </summary>
public sealed class DhtRequestServer(ISecureTransport transport, IDhtRequestHandler handler)
{
    /// <summary>True for the request types this server answers.</summary>
    public static bool IsRequest(WireMessageType type) =>
        type is WireMessageType.Ping or WireMessageType.FindNode or WireMessageType.GetProviders or WireMessageType.AddProvider;

    /// <summary>True for DHT answers (handled by <see cref="WireDhtNetwork.HandleResponse"/>).</summary>
    public static bool IsResponse(WireMessageType type) =>
        type is WireMessageType.Pong or WireMessageType.Nodes or WireMessageType.Providers;

    /// <summary>Handles one request; null when handled, else why it was refused (the router counts and logs it).</summary>
    public async ValueTask<string?> HandleAsync(InboundMessage raw, WireMessage message, CancellationToken ct)
    {
        var sender = ContactMapper.ToContact(raw.PeerId, raw.RemoteEndPoint);
        WireMessage? reply;
        switch (message)
        {
            case PingMessage ping:
                reply = handler.HandlePing(sender) ? new PongMessage { RequestId = ping.RequestId } : null;
                break;
            case FindNodeMessage find:
                reply = new NodesMessage
                {
                    RequestId = find.RequestId,
                    Contacts = ContactMapper.ToWire(handler.HandleFindNode(sender, new Key(find.Target)), WireLimits.MaxContacts),
                };
                break;
            case GetProvidersMessage get:
                var found = handler.HandleGetProviders(sender, get.Key);
                reply = new ProvidersMessage
                {
                    RequestId = get.RequestId,
                    Providers = ContactMapper.ToWire(found.Providers, WireLimits.MaxProviders),
                    Closer = ContactMapper.ToWire(found.Closer, WireLimits.MaxContacts),
                };
                break;
            case AddProviderMessage add:
                // A node may only announce itself: the record is keyed to the authenticated sender, and an
                // announcement naming anyone else is refused rather than silently rewritten.
                if (!add.Provider.PeerId.AsSpan().SequenceEqual(raw.PeerId.Bytes))
                    return "AddProvider names a provider other than its sender";
                return handler.HandleAddProvider(sender, add.Key) ? null : "AddProvider refused by the provider store (caps)";
            default:
                return $"{message.Type} is not a DHT request";
        }
        if (reply is not null)
            await transport.SendAsync(raw.Peer, WireCodec.Encode(reply), raw.Channel, ct);
        return null;
    }
}
