using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Hosting.Peers;
using P2P.Node.Hosting.Providing;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Hosting;

/// <summary>The DHT and swarm operations behind `p2p dht …` and `p2p swarm …`.</summary>
public sealed partial class NetworkHost
{
    /// <summary>Announces this node as a provider of <paramref name="cid"/>'s multihash to the k closest nodes.</summary>
    public Task<PublishResult> ProvideAsync(Cid cid, CancellationToken ct) => Dht.ProvideAsync(cid.Multihash.Bytes.ToArray(), ct);

    /// <summary>
    /// Announces once without scheduling a republish: the <see cref="Reprovider"/> owns the schedule for blocks
    /// held in the repo, so a block removed by gc stops being announced at the next round.
    /// </summary>
    public async Task<PublishResult> AnnounceOnceAsync(Multihash multihash, CancellationToken ct)
    {
        var key = multihash.Bytes.ToArray();
        var result = await Dht.ProvideAsync(key, ct);
        Dht.StopProviding(key);
        return result;
    }

    /// <summary>
    /// Providers of <paramref name="cid"/>: the records this node stores for others first, then those a
    /// GET_PROVIDERS lookup finds. The DHT's lookup reports only remote answers when the local store has fewer
    /// than <paramref name="max"/>, and a node that is itself among the k closest holds the record locally.
    /// <paramref name="onProvider"/>, when given, hears of each provider as soon as it is known (it must only hand
    /// the contact on); the returned list holds them all.
    /// </summary>
    public Task<IReadOnlyList<Contact>> FindProvidersAsync(Cid cid, int max, CancellationToken ct, Action<Contact>? onProvider = null) =>
        Metrics.ProviderLookups.TimeAsync(() => FindProvidersCoreAsync(cid, max, onProvider, ct));

    private async Task<IReadOnlyList<Contact>> FindProvidersCoreAsync(Cid cid, int max, Action<Contact>? onProvider, CancellationToken ct)
    {
        var multihash = cid.Multihash.Bytes.ToArray();
        var key = Key.Hash(multihash);
        var now = _options.Time.GetUtcNow().UtcTicks;
        var providers = Dht.Inspect((_, store) => store.Get(key, now, max));
        providers.RemoveAll(p => !IsCurrent(cid, p));
        if (onProvider is not null)
            foreach (var local in providers) onProvider(local);
        if (providers.Count >= max)
            return providers;
        var heard = providers.Select(p => p.Id).ToHashSet();
        Action<Contact>? forward = onProvider is null ? null : found =>
        {
            if (!IsCurrent(cid, found))
                return;
            lock (heard)
            {
                if (!heard.Add(found.Id)) return;
            }
            onProvider(found);
        };
        var result = await Dht.FindProvidersAsync(multihash, max, ct, forward);
        foreach (var found in result.Providers)
        {
            if (providers.Count == max)
                break;
            if (!providers.Contains(found) && IsCurrent(cid, found))
                providers.Add(found);
        }
        return providers;
    }

    /// <summary>
    /// Whether this node holds a block (the daemon sets it to its block store's check). Records naming this node that
    /// others still keep outlive the block after gc (a DHT record cannot be withdrawn, only left to expire), so a
    /// lookup lists this node only while this says it holds the block. Null: no filter (a host without a store).
    /// </summary>
    public Func<Cid, bool>? HoldsBlock { get; set; }

    /// <summary>False when <paramref name="provider"/> is this node and it no longer holds <paramref name="cid"/>.</summary>
    private bool IsCurrent(Cid cid, Contact provider) =>
        provider.Id != Dht.Self.Id || HoldsBlock is not { } holds || holds(cid);

    /// <summary>
    /// Where <paramref name="peer"/> is: a live connection, a routing-table entry, or the result of a lookup of its
    /// DHT id (a node is among the closest to its own id). Null when not found.
    /// </summary>
    public async Task<Contact?> FindPeerAsync(PeerId peer, CancellationToken ct)
    {
        if (peer == PeerId)
            return Dht.Self;
        if (Dialer.Find(peer) is { } connected)
            return ContactOf(connected);
        var id = new Key(peer.NodeId);
        var known = Dht.Inspect((table, _) => table.Closest(id, 1));
        if (known.Count == 1 && known[0].Id == id)
            return known[0];
        var lookup = await Dht.FindClosestAsync(id, ct);
        return lookup.Closest.FirstOrDefault(c => c.Id == id);
    }

    /// <summary>
    /// Dials <paramref name="address"/> (the handshake checks its PeerId when one is given) and, when the peer
    /// answers a DHT ping, records it in the routing table. Returns the connection or a one-line error.
    /// </summary>
    public async Task<ConnectResult> ConnectAsync(Multiaddr address, CancellationToken ct)
    {
        var result = await Dialer.DialAsync(address, ct);
        if (!result.Succeeded)
            return result;
        var peer = result.Peer!;
        var contact = ContactOf(peer);
        // A peer reached through a relay cannot be dialled unasked: it is no routing-table contact.
        if (address.IsCircuit || peer.Path == PeerPath.Relayed)
            return result;
        if (await Network.PingAsync(contact, ct))
            Dht.Restore([contact]);
        else
            _logger.LogInformation("{Peer} connected but did not answer a DHT ping; not added to the table", peer.PeerId);
        return result;
    }

    /// <summary>
    /// The contact of a connected peer: its endpoint, or for a relayed session the relay's endpoint and identity
    /// (the session's own endpoint is a local stand-in).
    /// </summary>
    public Contact ContactOf(SecurePeer peer)
    {
        if (Transport.Nat.RelayOf(peer) is not { } relay)
            return ContactMapper.ToContact(peer.PeerId, peer.RemoteEndPoint);
        var relayPeer = Dialer.Connected.FirstOrDefault(p => p.RemoteEndPoint.Equals(relay))?.PeerId;
        return ContactMapper.ToContact(peer.PeerId, relay, client: true, relayPeer is null ? null : (relayPeer, relay));
    }

    /// <summary>The round trip of one DHT ping to <paramref name="contact"/> (dialling it if needed); null when it does not answer.</summary>
    public async Task<TimeSpan?> PingAsync(Contact contact, CancellationToken ct)
    {
        var started = _options.Time.GetTimestamp();
        return await Network.PingAsync(contact, ct) ? _options.Time.GetElapsedTime(started) : null;
    }

    /// <summary>The clock the node runs on.</summary>
    public TimeProvider Time => _options.Time;

    /// <summary>Peers connected now.</summary>
    public IReadOnlyCollection<SecurePeer> ConnectedPeers => Dialer.Connected;

    /// <summary>The routing table, bucket by bucket (non-empty buckets only).</summary>
    public IReadOnlyList<BucketSnapshot> Table() => Dht.Inspect((table, _) =>
    {
        var buckets = new List<BucketSnapshot>();
        for (var cpl = 0; cpl < table.BucketCount; cpl++)
        {
            var contents = table.BucketContents(cpl);
            if (contents.Count > 0)
                buckets.Add(new BucketSnapshot(cpl, contents.ToArray()));
        }
        return buckets;
    });
}
