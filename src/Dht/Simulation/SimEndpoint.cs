using P2P.Dht.Network;

namespace P2P.Dht.Simulation;

/// <summary>One node's outbound side of a <see cref="SimNetwork"/>.</summary>
internal sealed class SimEndpoint(SimNetwork network, int self) : IDhtNetwork
{
    public async Task<bool> PingAsync(Contact to, CancellationToken ct) =>
        await network.SendAsync(self, to, static (h, sender) => h.HandlePing(sender), ct);

    public Task<IReadOnlyList<Contact>?> FindNodeAsync(Contact to, Key target, CancellationToken ct) =>
        network.SendAsync<IReadOnlyList<Contact>>(self, to, (h, sender) => h.HandleFindNode(sender, target), ct);

    public Task<ProvidersReply?> GetProvidersAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct) =>
        network.SendAsync(self, to, (h, sender) => h.HandleGetProviders(sender, multihash), ct);

    public async Task<bool> AddProviderAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct) =>
        await network.SendAsync(self, to, (h, sender) => h.HandleAddProvider(sender, multihash), ct);

    public Task<ValueReply?> GetValueAsync(Contact to, ReadOnlyMemory<byte> key, CancellationToken ct) =>
        network.SendAsync(self, to, (h, sender) => h.HandleGetValue(sender, key), ct);

    public async Task<bool> PutValueAsync(Contact to, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct) =>
        await network.SendAsync(self, to, (h, sender) => h.HandlePutValue(sender, key, value), ct);
}
