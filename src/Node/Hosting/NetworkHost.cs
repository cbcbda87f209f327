using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Hosting.Peers;
using P2P.Node.Hosting.Routing;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Transport;

namespace P2P.Node.Hosting;

/// <summary>
/// The live node's composition root: the authenticated transport, the message router, the DHT bound to the wire,
/// and the persisted routing table. <see cref="StartAsync"/> binds and starts routing; <see cref="JoinAsync"/>
/// bootstraps; <see cref="DisposeAsync"/> saves the table and closes everything. The DHT operations the CLI and
/// API expose are in NetworkHost.Operations.cs.
/// </summary>
public sealed partial class NetworkHost : IAsyncDisposable
{
    private readonly NetworkHostOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerTableStore? _peerStore;
    private Task _routerLoop = Task.CompletedTask;
    private ITimer? _saveTimer;
    private ITimer? _rejoinTimer;
    /// <summary>1 while a join runs (the rejoin timer never overlaps one).</summary>
    private int _joining;

    /// <summary>
    /// The outcome of the last join attempt ("none", "alone", "joined"), guarded by <see cref="_joining"/> (one
    /// attempt at a time). A node alone retries every <see cref="NetworkHostOptions.RejoinInterval"/>: only a change
    /// of outcome is worth an Information line, the repeats go to Debug.
    /// </summary>
    private string? _joinOutcome;
    private int _disposed;

    private NetworkHost(NodeIdentity identity, NetworkHostOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _logger = loggers.CreateLogger<NetworkHost>();
        Identity = identity;
        Transport = new LiteNetTransport(identity, options.Transport, options.Time, loggers.CreateLogger<LiteNetTransport>());
        Dialer = new Dialer(Transport, loggers.CreateLogger<Dialer>());
        Network = new WireDhtNetwork(Transport, Dialer, options.Wire, options.Time, loggers.CreateLogger<WireDhtNetwork>());
        if (options.StateDirectory is { } state)
            _peerStore = new PeerTableStore(Path.Join(state, PeerTableStore.FileName), _logger);
    }

    public NodeIdentity Identity { get; }

    public PeerId PeerId => Identity.PeerId;

    public LiteNetTransport Transport { get; }

    /// <summary>How this node reaches peers: the DHT, the exchange and swarm connect all dial through it.</summary>
    public Dialer Dialer { get; }

    public WireDhtNetwork Network { get; }

    public DhtNode Dht { get; private set; } = null!;

    public MessageRouter Router { get; private set; } = null!;

    /// <summary>LAN discovery, or null when it is off or idle (no LAN interface among those the node listens on).</summary>
    public Discovery.LanDiscovery? Lan { get; private set; }

    /// <summary>Counters this node keeps for the metrics endpoint (lookup latency, gateway totals).</summary>
    public Metrics.NodeMetrics Metrics { get; } = new();


    /// <summary>
    /// Binds the transport, starts the router and the DHT's maintenance, and seeds the table with the peers saved
    /// last time (candidates until they answer: <see cref="JoinAsync"/> pings them).
    /// </summary>
    public static NetworkHost Start(NodeIdentity identity, NetworkHostOptions options, ILoggerFactory loggers)
    {
        WireWarmUp.Run(identity.PeerId);
        var host = new NetworkHost(identity, options, loggers);
        try
        {
            host.Transport.Start(options.Listen);
            var self = ContactMapper.ToContact(identity.PeerId, host.Transport.LocalEndPoint);
            var random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
            // Every node checks IPNS records wherever they arrive: the network keeps no record its validator refuses.
            options.Dht.Validators.Register(Naming.IpnsDhtValidator.Namespace, new Naming.IpnsDhtValidator(options.Time));
            host.Dht = new DhtNode(self, host.Network, options.Dht, options.Time, random, loggers.CreateLogger<DhtNode>());
            var handler = options.RequestHandlerDecorator?.Invoke(host.Dht) ?? host.Dht;
            host.Router = new MessageRouter(host.Transport, new DhtRequestServer(host.Transport, handler, options.Wire, options.Time, loggers.CreateLogger<DhtRequestServer>()), host.Network,
                loggers.CreateLogger<MessageRouter>());
            host._routerLoop = Task.Run(() => host.Router.RunAsync(host._stopping.Token));
            host.Transport.PeerConnected += host.OnPeerConnected;
            host.Dht.Start();
            host.StartPortMapping(loggers);
            if (options.LanDiscovery is { } lan)
                host.Lan = Discovery.LanDiscovery.TryStart(host, lan, options.Time, options.RandomSeed is { } lanSeed ? new Random(lanSeed + 1) : new Random(), loggers);
            host._rejoinTimer = options.Time.CreateTimer(static s => ((NetworkHost)s!).RejoinIfAlone(), host,
                options.RejoinInterval, options.RejoinInterval);
            if (host._peerStore is not null)
            {
                host._saveTimer = options.Time.CreateTimer(static s => ((NetworkHost)s!).SavePeers(), host,
                    options.SavePeersInterval, options.SavePeersInterval);
            }
            return host;
        }
        catch
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// Joins the network: pings the bootstrap peers and the peers saved last time (only those that answer enter the
    /// table), looks up its own id and refreshes every bucket. Returns the table size.
    /// </summary>
    public async Task<int> JoinAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _joining, 1) == 1)
            return Dht.TableCount;
        try
        {
            return await JoinOnceAsync(ct);
        }
        finally
        {
            Volatile.Write(ref _joining, 0);
        }
    }

    /// <summary>
    /// A node whose table is empty (its seeds were down or slow when it started) tries to join again, so a swarm
    /// started in any order still converges.
    /// </summary>
    private void RejoinIfAlone()
    {
        if (Volatile.Read(ref _disposed) != 0 || Dht.TableCount > 0 || Volatile.Read(ref _joining) == 1)
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                await JoinAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
            catch (ObjectDisposedException)
            {
                // Stopped while rejoining.
            }
        });
    }

    private async Task<int> JoinOnceAsync(CancellationToken ct)
    {
        var seeds = new List<Contact>();
        foreach (var address in _options.Bootstrap)
        {
            if (address.PeerId is { } peer && peer != PeerId)
                seeds.Add(ContactMapper.ToContact(peer, address.EndPoint));
        }
        if (_peerStore is not null)
        {
            foreach (var saved in _peerStore.Load())
            {
                if (saved.Id != Dht.Self.Id && !seeds.Contains(saved))
                    seeds.Add(saved);
            }
        }
        if (seeds.Count == 0)
        {
            _logger.Log(JoinLevel("none"), "No bootstrap or saved peers: waiting for others to connect");
            return Dht.TableCount;
        }
        // The size is read after the seeds' pings, the lookup of our own id and the bucket refresh: 0 means that
        // no seed answered, not that a join succeeded into an empty network.
        var size = await Dht.BootstrapAsync(seeds, ct);
        if (size == 0)
        {
            _logger.Log(JoinLevel("alone"), "Could not join the DHT: none of {Seeds} seeds answered; trying again every {Interval} s while alone",
                seeds.Count, _options.RejoinInterval.TotalSeconds);
            return size;
        }
        _logger.Log(JoinLevel("joined"), "Joined the DHT through {Seeds} seeds: {Size} peers in the routing table after the first lookup", seeds.Count, size);
        SavePeers();
        return size;
    }

    private LogLevel JoinLevel(string outcome)
    {
        var changed = _joinOutcome != outcome;
        _joinOutcome = outcome;
        return changed ? LogLevel.Information : LogLevel.Debug;
    }

    /// <summary>
    /// A peer in the table that comes back from another endpoint (restarted on a new port) has just proven its
    /// PeerId there, so its entry is moved to the new endpoint instead of failing at the old one first.
    /// Runs on the transport's network thread; the DHT's lock is held only briefly.
    /// </summary>
    private void OnPeerConnected(object? sender, SecurePeerEventArgs e)
    {
        var contact = ContactMapper.ToContact(e.Peer.PeerId, e.Peer.RemoteEndPoint);
        var moved = Dht.Inspect((table, _) =>
        {
            var closest = table.Closest(contact.Id, 1);
            return closest.Count == 1 && closest[0].Id == contact.Id && !closest[0].EndPoint.Equals(contact.EndPoint);
        });
        if (moved)
            Dht.Restore([contact]);
    }

    /// <summary>Writes the routing table to peers.json (atomically); failures are logged, not thrown.</summary>
    public void SavePeers()
    {
        if (_peerStore is null || Dht is null)
            return;
        try
        {
            var contacts = Dht.Inspect((table, _) => table.All());
            if (contacts.Count > 0)
                _peerStore.Save(contacts);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not save {Path}: {Error}", _peerStore.Path, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _saveTimer?.Dispose();
        _rejoinTimer?.Dispose();
        Transport.PeerConnected -= OnPeerConnected;
        if (Dht is not null)
            SavePeers();
        if (Lan is not null)
            await Lan.DisposeAsync();
        await _stopping.CancelAsync();
        Network.CancelAll();
        Dht?.Dispose();
        await _routerLoop;
        await StopPortMappingAsync();
        Dialer.Dispose();
        await Transport.DisposeAsync();
        _stopping.Dispose();
        _logger.LogInformation("Node {PeerId} stopped", PeerId);
    }
}
