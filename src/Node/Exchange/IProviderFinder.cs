using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>
/// Provider discovery for the exchange. The daemon implements it with the DHT (GET_PROVIDERS / ADD_PROVIDER);
/// tests with a fixed list. Implementations report failures as an empty result, not as exceptions.
/// </summary>
public interface IProviderFinder
{
    /// <summary>Peers that announced <paramref name="cid"/>, streamed as the lookup finds them.</summary>
    IAsyncEnumerable<Multiaddr> FindProvidersAsync(Cid cid, CancellationToken cancellationToken);

    /// <summary>Announces that this node now holds <paramref name="cid"/>.</summary>
    ValueTask ProvideAsync(Cid cid, CancellationToken cancellationToken);
}
