using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// The daemon's answers for the Delegated Routing V1 API: this node first when it holds the block (kubo's DHT
/// stores its own provider record when it provides, so kubo lists itself the same way), then the provider records
/// it keeps for others and those a GET_PROVIDERS lookup finds (<see cref="NetworkHost.FindProvidersAsync"/>);
/// peers from a live session, the routing table or a lookup (<see cref="NetworkHost.FindPeerAsync"/>).
/// </summary>
public sealed class NetworkRouter(NetworkHost host, ILogger logger) : IDelegatedRouter
{
    /// <summary>
    /// The transfer protocol every record names: p2p's block exchange over its own UDP transport. Named after the
    /// multicodec table's transport-* entries (transport-bitswap, transport-ipfs-gateway-http) so that
    /// <c>?filter-protocols=</c> can pick it, and not transport-bitswap, which a libp2p client would try to dial.
    /// Every node in p2p's DHT is a p2p node, so the name holds for providers found remotely too.
    /// </summary>
    public const string ExchangeProtocol = "transport-p2p-exchange";

    private static readonly string[] Protocols = [ExchangeProtocol];

    public async IAsyncEnumerable<PeerRecord> FindProvidersAsync(Cid cid, int max, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var sent = new HashSet<PeerId>();
        if (host.HoldsBlock is { } holds && holds(cid))
        {
            sent.Add(host.PeerId);
            yield return Self();
            if (max == 1)
                yield break;
        }
        // The lookup hands on at most `max` contacts (its own cap), so the unbounded channel is bounded by it.
        var found = Channel.CreateUnbounded<Contact>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lookup = RunLookupAsync(cid, max, found.Writer, stop.Token);
        try
        {
            await foreach (var contact in found.Reader.ReadAllAsync(ct))
            {
                if (ToRecord(contact) is not { } record || !sent.Add(record.Id))
                    continue;
                yield return record;
                if (sent.Count == max)
                    yield break;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await lookup;
        }
    }

    public async Task<PeerRecord?> FindPeerAsync(PeerId peer, CancellationToken ct)
    {
        if (peer == host.PeerId)
            return Self();
        return await host.FindPeerAsync(peer, ct) is { } contact ? ToRecord(contact) : null;
    }

    private async Task RunLookupAsync(Cid cid, int max, ChannelWriter<Contact> found, CancellationToken ct)
    {
        try
        {
            await host.FindProvidersAsync(cid, max, ct, contact => found.TryWrite(contact));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A lookup cut short (the time cap, the client leaving) or failing ends the answer with what it found.
            if (e is not OperationCanceledException)
                logger.LogDebug("Delegated routing lookup for {Cid} failed: {Error}", cid, e.Message);
        }
        finally
        {
            found.TryComplete();
        }
    }

    /// <summary>This node with every address it advertises (listen, observed, mapped, relayed).</summary>
    private PeerRecord Self() =>
        new(host.PeerId, host.Addresses.Select(a => Address(a.Address)).Distinct().ToArray(), Protocols);

    /// <summary>A remote contact's record; null when its identity is not a PeerId.</summary>
    private static PeerRecord? ToRecord(Contact contact)
    {
        if (ContactMapper.PeerIdOf(contact) is not { } peer)
            return null;
        var address = ContactMapper.RelayOf(contact) is { } relay
            ? $"{Multiaddr.Format(relay.EndPoint, relay.Peer)}/p2p-circuit"
            : Multiaddr.Format(contact.EndPoint, null);
        return new PeerRecord(peer, [address], Protocols);
    }

    /// <summary>
    /// A multiaddr without the trailing /p2p/&lt;own id&gt;: the record's ID names the peer, as in kubo's answers. A
    /// relayed address keeps the relay's id and ends in /p2p-circuit.
    /// </summary>
    internal static string Address(Multiaddr address) => address.IsCircuit
        ? $"{Multiaddr.Format(address.EndPoint, address.RelayPeerId)}/p2p-circuit"
        : Multiaddr.Format(address.EndPoint, null);
}
