using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Node.DhtBinding;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Providing;

/// <summary>
/// The exchange's provider discovery over the live DHT: GET_PROVIDERS through <see cref="NetworkHost.FindProvidersAsync"/>
/// (local records merged with a lookup), and announcements handed to the <see cref="Reprovider"/>'s background
/// queue, so a fetched block is provided without ever delaying the fetch and is reprovided on schedule after.
/// Peers already connected are not reported here: the exchange asks them itself with want-have when a session
/// opens, and reporting them as providers would send them want-blocks for content they may not hold.
/// </summary>
public sealed class DhtProviderFinder : IProviderFinder
{
    /// <summary>Providers asked of one lookup: the DHT's k, enough to fill a session on any swarm we target.</summary>
    public const int ProvidersPerLookup = 20;

    private readonly NetworkHost _host;
    private readonly Reprovider _reprovider;
    private readonly ILogger _logger;

    public DhtProviderFinder(NetworkHost host, Reprovider reprovider, ILogger<DhtProviderFinder> logger)
    {
        _host = host;
        _reprovider = reprovider;
        _logger = logger;
    }

    /// <summary>
    /// Yields each provider as soon as the lookup accepts it (checked providers arrive one round trip apart, and a
    /// provider reported early can serve while the lookup still waits for slower ones), then ends with the lookup.
    /// </summary>
    public async IAsyncEnumerable<Multiaddr> FindProvidersAsync(Cid cid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // At most ProvidersPerLookup contacts go through it (the lookup's own cap), so unbounded is bounded here.
        var found = Channel.CreateUnbounded<Dht.Contact>(new UnboundedChannelOptions { SingleReader = true });
        var lookup = RunLookupAsync(cid, found.Writer, cancellationToken);
        await foreach (var contact in found.Reader.ReadAllAsync(cancellationToken))
        {
            if (ContactMapper.PeerIdOf(contact) is { } peer && peer != _host.PeerId)
                yield return new Multiaddr(contact.EndPoint, peer);
        }
        await lookup;
    }

    private async Task RunLookupAsync(Cid cid, ChannelWriter<Dht.Contact> found, CancellationToken ct)
    {
        try
        {
            await _host.FindProvidersAsync(cid, ProvidersPerLookup, ct, contact => found.TryWrite(contact));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The interface reports failure as an empty answer: the session searches again later.
            if (e is not OperationCanceledException)
                _logger.LogDebug("Provider lookup for {Cid} failed: {Error}", cid, e.Message);
        }
        finally
        {
            found.TryComplete();
        }
    }

    public ValueTask ProvideAsync(Cid cid, CancellationToken cancellationToken)
    {
        _reprovider.Enqueue([cid.Multihash]);
        return ValueTask.CompletedTask;
    }
}
