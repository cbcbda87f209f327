using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using P2P.Node.Content;
using P2P.Node.DhtBinding;
using P2P.Node.Exchange;

namespace P2P.Node.Hosting;

/// <summary>
/// The exchange's provider discovery over the live DHT: GET_PROVIDERS through <see cref="NodeHost.FindProvidersAsync"/>
/// (local records merged with a lookup), and announcements handed to the <see cref="Reprovider"/>'s background
/// queue, so a fetched block is provided without ever delaying the fetch and is reprovided on schedule after.
/// Peers already connected are not reported here: the exchange asks them itself with want-have when a session
/// opens, and reporting them as providers would send them want-blocks for content they may not hold.
/// </summary>
public sealed class DhtProviderFinder : IProviderFinder
{
    /// <summary>Providers asked of one lookup: the DHT's k, enough to fill a session on any swarm we target.</summary>
    public const int ProvidersPerLookup = 20;

    private readonly NodeHost _host;
    private readonly Reprovider _reprovider;
    private readonly ILogger _logger;

    public DhtProviderFinder(NodeHost host, Reprovider reprovider, ILogger<DhtProviderFinder> logger)
    {
        _host = host;
        _reprovider = reprovider;
        _logger = logger;
    }

    public async IAsyncEnumerable<ProviderAddress> FindProvidersAsync(Cid cid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<Dht.Contact> found;
        try
        {
            found = await _host.FindProvidersAsync(cid, ProvidersPerLookup, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // The interface reports failure as an empty answer: the session searches again later.
            _logger.LogDebug("Provider lookup for {Cid} failed: {Error}", cid, e.Message);
            yield break;
        }
        foreach (var contact in found)
        {
            if (ContactMapper.PeerIdOf(contact) is { } peer && peer != _host.PeerId)
                yield return new ProviderAddress(peer, contact.EndPoint);
        }
    }

    public ValueTask ProvideAsync(Cid cid, CancellationToken cancellationToken)
    {
        _reprovider.Enqueue([cid.Multihash]);
        return ValueTask.CompletedTask;
    }
}
