namespace P2P.Dht.Network;

/// <summary>
/// Inbound DHT requests, called by the transport with the authenticated sender. Handlers are synchronous
/// and bounded (they only touch in-memory state), may be called from any thread, and never throw for
/// bad input: an oversized or malformed argument gets an empty answer.
/// </summary>
public interface IDhtRequestHandler
{
    /// <summary>PING. Returns false when the node refuses to answer (stopped).</summary>
    bool HandlePing(Contact sender);

    /// <summary>FIND_NODE: at most k contacts closest to <paramref name="target"/>, never the sender itself.</summary>
    IReadOnlyList<Contact> HandleFindNode(Contact sender, Key target);

    /// <summary>GET_PROVIDERS: unexpired providers of the multihash and at most k closer contacts.</summary>
    ProvidersReply HandleGetProviders(Contact sender, ReadOnlyMemory<byte> multihash);

    /// <summary>ADD_PROVIDER: records the sender as a provider. False when refused (caps, bad key).</summary>
    bool HandleAddProvider(Contact sender, ReadOnlyMemory<byte> multihash);

    /// <summary>GET_VALUE: the valid value held for the key (null when none) and at most k closer contacts.</summary>
    ValueReply HandleGetValue(Contact sender, ReadOnlyMemory<byte> key);

    /// <summary>PUT_VALUE: validates and stores the value. False when refused (invalid, not newer, caps).</summary>
    bool HandlePutValue(Contact sender, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value);
}
