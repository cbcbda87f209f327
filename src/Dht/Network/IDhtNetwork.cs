namespace P2P.Dht.Network;

/// <summary>
/// Outbound DHT requests from one local node. The live node implements it over its authenticated UDP
/// transport; <see cref="Simulation.SimNetwork"/> implements it in memory. Peer faults are values, not
/// exceptions: every method returns null/false when the peer did not answer before
/// <paramref name="ct"/> fired, answered garbage, or sent more than the caps allow. Implementations may
/// throw <see cref="OperationCanceledException"/> when <c>ct</c> is cancelled; callers treat it as no answer.
/// Replies are trusted to come from <c>to</c>: the transport authenticates the peer.
/// </summary>
public interface IDhtNetwork
{
    /// <summary>PING: true when the peer answered.</summary>
    Task<bool> PingAsync(Contact to, CancellationToken ct);

    /// <summary>FIND_NODE: up to k contacts the peer knows closest to <paramref name="target"/>.</summary>
    Task<IReadOnlyList<Contact>?> FindNodeAsync(Contact to, Key target, CancellationToken ct);

    /// <summary>GET_PROVIDERS for a multihash: providers the peer stores and contacts closer to its key.</summary>
    Task<ProvidersReply?> GetProvidersAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct);

    /// <summary>
    /// ADD_PROVIDER: asks the peer to record the local node (the authenticated sender) as a provider of
    /// <paramref name="multihash"/>. A node can only announce itself, so no provider field is sent.
    /// True when the peer acknowledged.
    /// </summary>
    Task<bool> AddProviderAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct);

    /// <summary>
    /// GET_VALUE: the value the peer holds for <paramref name="key"/> (a <c>/namespace/...</c> key; the lookup key
    /// is SHA-256 of its bytes) and contacts closer to it. The caller validates the value.
    /// </summary>
    Task<ValueReply?> GetValueAsync(Contact to, ReadOnlyMemory<byte> key, CancellationToken ct);

    /// <summary>PUT_VALUE: asks the peer to store <paramref name="value"/> under <paramref name="key"/>. True when it did.</summary>
    Task<bool> PutValueAsync(Contact to, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct);
}
