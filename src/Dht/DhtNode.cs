using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Dht.Lookups;
using P2P.Dht.Network;
using P2P.Dht.Providers;
using P2P.Dht.Routing;
using P2P.Dht.Values;

namespace P2P.Dht;

/// <summary>
/// A Kademlia node: routing table, provider store, lookups and maintenance, over an injected
/// <see cref="IDhtNetwork"/>, <see cref="TimeProvider"/> and seeded <see cref="Random"/>. It is also the
/// <see cref="IDhtRequestHandler"/> the transport calls for inbound requests. Thread-safe: table, store
/// and random generator are guarded by one lock, never held across an await or a network call.
/// </summary>
public sealed partial class DhtNode : IDhtRequestHandler, ILookupHost, IDisposable
{
    private readonly Lock _gate = new();
    /// <summary>Guarded by _gate.</summary>
    private readonly RoutingTable _table;
    /// <summary>Guarded by _gate.</summary>
    private readonly ProviderStore _store;
    /// <summary>Guarded by _gate.</summary>
    private readonly ValueStore _values;
    /// <summary>Guarded by _gate (Random is not thread-safe).</summary>
    private readonly Random _random;
    private readonly RttEstimator _rtt;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    public DhtNode(Contact self, IDhtNetwork network, DhtOptions options, TimeProvider time, Random random, ILogger<DhtNode>? logger = null)
    {
        options.Validate();
        Self = self;
        Network = network;
        Options = options;
        Time = time;
        _random = random;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _table = new RoutingTable(self.Id, options);
        _store = new ProviderStore(options);
        _values = new ValueStore(options);
        _rtt = new RttEstimator(options.MinSlowAfter, options.RequestTimeout);
    }

    /// <summary>This node's contact.</summary>
    public Contact Self { get; }

    public DhtOptions Options { get; }

    public TimeProvider Time { get; }

    public IDhtNetwork Network { get; }

    /// <summary>Pulsed after a contact enters, moves or fails in the routing table.</summary>
    public ChangeSignal TableChanged { get; } = new();

    /// <summary>Contacts in the routing table.</summary>
    public int TableCount
    {
        get { lock (_gate) return _table.Count; }
    }

    Key ILookupHost.SelfId => Self.Id;

    TimeSpan ILookupHost.SlowAfter => _rtt.SlowAfter;

    /// <summary>Reads table and store under the node's lock (for tests, statistics and persistence).</summary>
    public T Inspect<T>(Func<RoutingTable, ProviderStore, T> read)
    {
        lock (_gate) return read(_table, _store);
    }

    /// <summary>
    /// Seeds the table with contacts already known to answer (a table persisted across restarts, or a
    /// simulation's prepared tables). Returns how many entered.
    /// </summary>
    public int Restore(IEnumerable<Contact> contacts)
    {
        var now = NowTicks;
        var added = 0;
        lock (_gate)
        {
            foreach (var contact in contacts)
                if (_table.TryAdd(contact, now).Outcome == AddOutcome.Added) added++;
        }
        TableChanged.Pulse();
        return added;
    }

    /// <summary>The k closest nodes to <paramref name="target"/> found by an iterative FIND_NODE lookup.</summary>
    public Task<LookupResult> FindClosestAsync(Key target, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return IterativeLookup.FindNodeAsync(this, target, SeedsFor(target), ct);
    }

    /// <summary>
    /// Providers of <paramref name="multihash"/> (the lookup key is SHA-256 of its bytes); stops early
    /// once <paramref name="maxProviders"/> are found. <paramref name="onProvider"/>, when given, hears of each
    /// provider as soon as it counts (a caller can start fetching before the lookup ends); it runs under the
    /// lookup's lock and must only hand the contact on.
    /// </summary>
    public Task<LookupResult> FindProvidersAsync(ReadOnlyMemory<byte> multihash, int maxProviders, CancellationToken ct,
        Action<Contact>? onProvider = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckMultihash(multihash);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxProviders, 1);
        var key = Key.Hash(multihash.Span);
        List<Contact> local;
        lock (_gate) local = _store.Get(key, NowTicks, maxProviders);
        if (local.Count >= maxProviders)
        {
            if (onProvider is not null)
                foreach (var provider in local) onProvider(provider);
            return Task.FromResult(new LookupResult(key, [], local, 0, 0, 0, TimeSpan.Zero));
        }
        return IterativeLookup.GetProvidersAsync(this, multihash, maxProviders, SeedsFor(key), local, onProvider, ct);
    }

    /// <summary>
    /// Announces this node as a provider of <paramref name="multihash"/> to the k closest nodes to its key,
    /// and keeps re-announcing it every <see cref="DhtOptions.RepublishInterval"/> while maintenance runs.
    /// </summary>
    public async Task<PublishResult> ProvideAsync(ReadOnlyMemory<byte> multihash, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckMultihash(multihash);
        var copy = multihash.ToArray();
        lock (_gate) _provided[Convert.ToBase64String(copy)] = new ProvidedKey(copy, NowTicks + Options.RepublishInterval.Ticks);
        return await PublishAsync(copy, ct);
    }

    /// <summary>Stops republishing <paramref name="multihash"/>; its records expire on their own.</summary>
    public bool StopProviding(ReadOnlyMemory<byte> multihash)
    {
        lock (_gate) return _provided.Remove(Convert.ToBase64String(multihash.Span));
    }

    /// <summary>
    /// Joins the network: pings <paramref name="seeds"/> (only those that answer enter the table), looks up
    /// its own id to fill the near buckets, then refreshes every farther bucket (Kademlia section 2.3).
    /// Returns the table size.
    /// </summary>
    public async Task<int> BootstrapAsync(IReadOnlyList<Contact> seeds, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pings = new Task<bool>[seeds.Count];
        for (var i = 0; i < seeds.Count; i++) pings[i] = PingAndRecordAsync(seeds[i], ct);
        await Task.WhenAll(pings);
        await FindClosestAsync(Self.Id, ct);
        await RefreshAsync(force: true, ct);
        return TableCount;
    }

    private async Task<PublishResult> PublishAsync(byte[] multihash, CancellationToken ct)
    {
        var started = Time.GetTimestamp();
        var lookup = await FindClosestAsync(Key.Hash(multihash), ct);
        var stores = new Task<bool>[lookup.Closest.Count];
        for (var i = 0; i < stores.Length; i++) stores[i] = AddProviderToAsync(lookup.Closest[i], multihash, ct);
        var results = await Task.WhenAll(stores);
        var stored = results.Count(static ok => ok);
        return new PublishResult(lookup, stores.Length, stored, Time.GetElapsedTime(started));
    }

    private async Task<bool> AddProviderToAsync(Contact to, byte[] multihash, CancellationToken ct)
    {
        var ack = await Retransmitter.SendAsync(
            Time, _rtt.SlowAfter, Options.RequestTimeout, Options.Retransmit,
            async t => await Network.AddProviderAsync(to, multihash, t) ? to : null, onSlow: null, ct);
        return ack is not null;
    }

    private List<Contact> SeedsFor(Key target)
    {
        lock (_gate)
        {
            _table.MarkUsed(Key.CommonPrefixLength(Self.Id, target), NowTicks);
            return _table.Closest(target, Options.K);
        }
    }

    private long NowTicks => Time.GetUtcNow().UtcTicks;

    private void CheckMultihash(ReadOnlyMemory<byte> multihash)
    {
        if (multihash.Length < 2 || multihash.Length > Options.MaxMultihashLength)
            throw new ArgumentException($"a multihash is 2..{Options.MaxMultihashLength} bytes", nameof(multihash));
    }

    public void Dispose()
    {
        _disposed = true;
        _maintenanceTimer?.Dispose();
    }
}
