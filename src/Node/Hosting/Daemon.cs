using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Errors;
using P2P.Node.Exchange;
using P2P.Node.Hosting.Api;
using P2P.Node.Hosting.Gateway;
using P2P.Node.Hosting.Local;
using P2P.Node.Naming;
using P2P.Node.Hosting.Metrics;
using P2P.Node.Hosting.Providing;
using P2P.Node.Hosting.Routing;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;
using P2P.Node.Transport;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Hosting;

/// <summary>
/// `p2p daemon`: the repo (whose lock it holds for its whole life), the live node, the reprovider and the local
/// HTTP API. On start it writes the API's multiaddr to the file <c>api</c> in the repo and deletes it on a clean
/// stop, as kubo does, so the CLI knows a daemon is there to talk to. Content the repo lacks is fetched through
/// the block exchange (<see cref="OpenFetch"/>): verified, stored, served to others at once and provided.
/// </summary>
public sealed class Daemon : IAsyncDisposable
{
    public const string ApiFileName = "api";

    /// <summary>Holds the gateway's multiaddr while it runs, as <see cref="ApiFileName"/> does the API's.</summary>
    public const string GatewayFileName = "gateway";

    /// <summary>Blocks the exporter asks for ahead of the one it writes: the exchange's measured sweet spot (docs/EXCHANGE.md).</summary>
    public const int FetchReadAhead = 64;

    /// <summary>
    /// Speculative fetches over all streams at once: eight streams at full read-ahead (128 MiB of 256 KiB blocks).
    /// </summary>
    public const int ReadAheadSlots = 8 * FetchReadAhead;

    private readonly ILogger _logger;

    /// <summary>Completed by <see cref="RequestShutdown"/> (kubo's `shutdown`); the process running the daemon waits on it.</summary>
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _join = Task.CompletedTask;
    private int _disposed;

    private Daemon(LocalContent local, NetworkHost host, Reprovider reprovider, BlockExchange exchange, TimeProvider time, ILogger logger)
    {
        Local = local;
        Host = host;
        Reprovider = reprovider;
        Exchange = exchange;
        Time = time;
        _logger = logger;
        Names = new NameSystem(KeyStore.Open(local.Repo), new PublishedRecords(local.Repo.RootPath), new DhtValueRouting(host.Dht), time, logger);
        RepoSize = new RepoSizeGauge(local.Stat, time);
        Bandwidth = new BandwidthMeter(() =>
        {
            var counters = exchange.Counters;
            return (counters.BytesFetched, counters.BytesServed);
        }, time);
    }

    public LocalContent Local { get; }

    /// <summary>The daemon's clock (streamed progress, fetch timings).</summary>
    public TimeProvider Time { get; }

    public NetworkHost Host { get; }

    public Reprovider Reprovider { get; }

    /// <summary>IPNS: `name publish`/`name resolve`, the gateway's /ipns/ and the republisher.</summary>
    public NameSystem Names { get; }

    /// <summary>Fetches what the repo lacks from the swarm and serves what it holds.</summary>
    public BlockExchange Exchange { get; }

    public ApiServer? Api { get; private set; }

    /// <summary>The Unix socket through which a CLI on this host passes its descriptors, or null where there is none.</summary>
    public LocalChannel? LocalChannel { get; private set; }

    /// <summary>The HTTP gateway, or null when its address could not be bound (the daemon runs on without it).</summary>
    public GatewayServer? Gateway { get; private set; }

    /// <summary>The repo's size for the metrics endpoint, measured at most every few seconds.</summary>
    public RepoSizeGauge RepoSize { get; }

    /// <summary>Block bytes in and out, totals and rates (`stats/bw`).</summary>
    public BandwidthMeter Bandwidth { get; }

    /// <summary>Completes when a client asked the daemon to stop; its runner then disposes it as on SIGTERM.</summary>
    public Task ShutdownRequested => _shutdown.Task;

    /// <summary>Asks the daemon's runner to stop it cleanly (the API's `shutdown`).</summary>
    public void RequestShutdown() => _shutdown.TrySetResult();

    /// <summary>The dashboard's address for a browser on this machine (kubo prints its WebUI the same way at start).</summary>
    public string WebUiUrl => Api is null ? "" : $"http://{Dialable(Api.EndPoint)}/webui";

    /// <summary>
    /// Where a client on this machine reaches a service bound to <paramref name="bound"/>: an unspecified address
    /// (0.0.0.0 or ::, every interface) is not one a client can connect to, so its loopback stands in.
    /// </summary>
    public static IPEndPoint Dialable(IPEndPoint bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        if (bound.Address.Equals(IPAddress.Any))
            return new IPEndPoint(IPAddress.Loopback, bound.Port);
        return bound.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, bound.Port) : bound;
    }

    public string ApiFilePath => Path.Join(Local.Repo.RootPath, ApiFileName);

    public string GatewayFilePath => Path.Join(Local.Repo.RootPath, GatewayFileName);

    /// <summary>
    /// Opens the repo, starts the node and the API, writes the api file and starts joining the network in the
    /// background, with the overrides and the clock of <paramref name="daemonOptions"/>.
    /// </summary>
    public static async Task<Daemon> StartAsync(DaemonOptions daemonOptions, ILoggerFactory loggers, CancellationToken ct)
    {
        var (repoPath, listenOverride, apiOverride) = (daemonOptions.RepoPath, daemonOptions.Listen, daemonOptions.Api);
        var (uploadRateOverride, gatewayOverride, time) = (daemonOptions.UploadRate, daemonOptions.Gateway, daemonOptions.Time);
        if (uploadRateOverride < 0)
            throw new ArgumentOutOfRangeException(nameof(daemonOptions), "the upload rate must be 0 (unlimited) or more");
        var local = LocalContent.Open(repoPath);
        LogRepoRepairs(local.Repo, loggers.CreateLogger<Daemon>());
        NetworkHost? host = null;
        Reprovider? reprovider = null;
        Daemon? daemon = null;
        try
        {
            var config = local.Repo.Config;
            var listen = Multiaddr.Parse(listenOverride ?? config.Listen).EndPoint;
            var api = HostSyntax.TryParseEndpoint(apiOverride ?? config.Api, out var parsedApi, out var apiError)
                ? parsedApi!
                : throw new FormatException(apiError);
            var gateway = HostSyntax.TryParseEndpoint(gatewayOverride ?? config.Gateway, out var parsedGateway, out var gatewayError, "127.0.0.1:8080")
                ? parsedGateway!
                : throw new FormatException(gatewayError);
            BindFailure.Preflight(listen, listenOverride is null ? null : "--listen", api, apiOverride is null ? null : "--api",
                gateway, gatewayOverride is null ? null : "--gateway");
            // Beyond loopback the API needs a token; once a token exists it is required on loopback as well.
            var token = IPAddress.IsLoopback(api.Address) ? ApiToken.TryRead(local.Repo.RootPath) : ApiToken.ReadOrCreate(local.Repo.RootPath);
            ApiServer.CheckBind(api, token);
            var identity = NodeIdentity.FromPrivateKey(local.Repo.ReadIdentityKey());
            var options = new NetworkHostOptions
            {
                Listen = listen,
                Bootstrap = config.Bootstrap.Select(Multiaddr.Parse).ToList(),
                StateDirectory = local.Repo.RootPath,
                Time = time,
                Transport = new TransportOptions
                {
                    MaxPeers = config.Limits.MaxPeers,
                    MaxPendingHandshakes = config.Limits.MaxPendingHandshakes,
                    Nat = new NatOptions { RelayService = config.Nat.RelayService, UseRelays = config.Nat.UseRelays, HolePunching = config.Nat.HolePunching },
                },
                Wire = WireOptionsFor(config.Limits),
                PortMapping = config.Nat.PortMapping ? new Nat.PortMapping.PortMapperOptions() : null,
                LanDiscovery = LanDiscoveryFor(config.Discovery),
                Dht = new DhtOptions { RepublishInterval = config.ReprovideInterval < TimeSpan.FromHours(48) ? config.ReprovideInterval : TimeSpan.FromHours(47) },
            };
            try
            {
                host = NetworkHost.Start(identity, options, loggers);
            }
            catch (P2PException e) when (e.Kind == ErrorKind.Unavailable)
            {
                throw BindFailure.Udp(listen, listenOverride is null ? null : "--listen", e);
            }
            if (options.LanDiscovery is null)
                loggers.CreateLogger<Daemon>().LogInformation("LAN discovery off (discovery.mdns is false)");
            // A gc'd block's own record must not keep this node listed as its provider (see HoldsBlock).
            host.HoldsBlock = local.Blocks.Has;
            reprovider = new Reprovider(host, local.Blocks, config.ReprovideInterval, time, loggers.CreateLogger<Reprovider>());
            var finder = new DhtProviderFinder(host, reprovider, loggers.CreateLogger<DhtProviderFinder>());
            var exchangeOptions = ExchangeOptionsFor(config.Limits, uploadRateOverride ?? config.Limits.UploadRateBytesPerSecond);
            // kubo's Datastore.HashOnRead: one switch for what this node reads from its own store, served or not.
            exchangeOptions.VerifyLocalReads = exchangeOptions.VerifyServedBlocks = config.HashOnRead;
            var exchange = new BlockExchange(host.Transport, local.Blocks, finder, exchangeOptions,
                time, loggers.CreateLogger<BlockExchange>(), host.Dialer);
            host.Router.ExchangeSink = new ExchangeMessageSink(exchange, host.Router.Drops);
            daemon = new Daemon(local, host, reprovider, exchange, time, loggers.CreateLogger<Daemon>());
            try
            {
                daemon.Api = await ApiServer.StartAsync(api, daemon, loggers, ct, token, config.ApiAllowedHosts, config.Limits.MaxHttpConnections);
            }
            catch (IOException e) when (BindFailure.Tcp("API", api, "api", apiOverride is null ? null : "--api", e) is { } failure)
            {
                throw failure;
            }
            daemon.LocalChannel = LocalChannel.TryStart(daemon, local.Repo.RootPath, loggers.CreateLogger<LocalChannel>());
            await daemon.StartGatewayAsync(gateway, gatewayOverride is null ? null : "--gateway", config.GatewayTimeout, config.Limits.MaxHttpConnections, loggers, ct);
            // Last: scripts and the CLI take the api file for "the daemon is up", gateway included.
            AtomicFile.Write(daemon.ApiFilePath, System.Text.Encoding.ASCII.GetBytes(TcpMultiaddr(daemon.Api.EndPoint)));
            daemon._join = daemon.JoinAsync();
            // kubo's republisher: first round a minute after start, then every 4 hours, records valid 48 hours.
            daemon.Names.StartRepublishing(NameSystem.DefaultRepublishInterval, TimeSpan.FromMinutes(1), NameSystem.DefaultLifetime);
            daemon._logger.LogInformation("Daemon {PeerId} ready: udp {Listen}, API http://{Api}, gateway http://{Gateway}, WebUI {WebUi}",
                host.PeerId, host.Address, daemon.Api.EndPoint, daemon.Gateway?.EndPoint, daemon.WebUiUrl);
            return daemon;
        }
        catch
        {
            // Once the daemon exists it owns every part (the API may be up and its file written): stop it whole.
            if (daemon is not null)
            {
                await daemon.DisposeAsync();
                throw;
            }
            if (reprovider is not null)
                await reprovider.DisposeAsync();
            if (host is not null)
                await host.DisposeAsync();
            local.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the gateway and writes its address to the <c>gateway</c> file. A gateway whose address is taken stops
    /// the start, as the API's does (kubo does the same): a daemon that runs without the gateway its config names
    /// would leave the user to find out from a log line. Nodes sharing a machine each need their own port (or 0).
    /// </summary>
    private async Task StartGatewayAsync(IPEndPoint bind, string? option, TimeSpan resolveTimeout, int maxConnections, ILoggerFactory loggers, CancellationToken ct)
    {
        try
        {
            Gateway = await GatewayServer.StartAsync(bind, this, resolveTimeout, loggers, ct, maxConnections);
        }
        catch (IOException e) when (BindFailure.Tcp("gateway", bind, "gateway", option, e) is { } failure)
        {
            throw failure;
        }
        AtomicFile.Write(GatewayFilePath, System.Text.Encoding.ASCII.GetBytes(TcpMultiaddr(Gateway.EndPoint)));
    }

    private static string TcpMultiaddr(IPEndPoint endPoint) => string.Create(CultureInfo.InvariantCulture,
        $"/{(endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ip6" : "ip4")}/{endPoint.Address}/tcp/{endPoint.Port}");

    /// <summary>LAN discovery's options from the config's <c>discovery</c> section; null when <c>discovery.mdns</c> is false.</summary>
    public static Discovery.LanDiscoveryOptions? LanDiscoveryFor(RepoDiscovery discovery) =>
        discovery.Mdns ? new Discovery.LanDiscoveryOptions { Interval = discovery.MdnsInterval } : null;

    /// <summary>The config's DHT request rates as wire options; each burst is two seconds' worth of its rate.</summary>
    public static DhtBinding.DhtWireOptions WireOptionsFor(RepoLimits limits) => new()
    {
        RequestsPerSecondPerPeer = limits.DhtRequestsPerSecondPerPeer,
        RequestBurstPerPeer = 2 * limits.DhtRequestsPerSecondPerPeer,
        RequestsPerSecondPerAddress = limits.DhtRequestsPerSecondPerIp,
        RequestBurstPerAddress = 2 * limits.DhtRequestsPerSecondPerIp,
    };

    /// <summary>
    /// The config's limits as exchange options: <c>maxPeers</c> caps the peers one fetch asks, and
    /// <c>maxInFlightRequestsPerPeer</c> both the window of requests we keep at a peer and the requests of a peer
    /// we queue for serving. The window's lower bounds follow a cap set below them.
    /// </summary>
    public static ExchangeOptions ExchangeOptionsFor(RepoLimits limits, long uploadBytesPerSecond)
    {
        var defaults = new ExchangeOptions();
        var inFlight = limits.MaxInFlightRequestsPerPeer;
        return new ExchangeOptions
        {
            MaxPeers = limits.MaxPeers,
            MaxInFlightPerPeer = inFlight,
            MinInFlightPerPeer = Math.Min(defaults.MinInFlightPerPeer, inFlight),
            InitialInFlightPerPeer = Math.Min(defaults.InitialInFlightPerPeer, inFlight),
            MaxServeQueuePerPeer = Math.Max(defaults.MaxServeQueuePerPeer, inFlight),
            UploadBytesPerSecond = uploadBytesPerSecond,
        };
    }

    /// <summary>
    /// A fetch of the DAG under <paramref name="root"/>: an exchange session and an exporter reading through it.
    /// Blocks held are read from the repo; the others come from the swarm. Dispose it when the fetch ends.
    /// </summary>
    public SwarmFetch OpenFetch(Cid root) => new(Exchange.OpenSession(root), Local, ReadAhead, FetchReads, MemoryTrim);

    /// <summary>Collects once when the last fetch of a burst ends, so an idle daemon does not sit on the burst's garbage.</summary>
    internal IdleMemoryTrim MemoryTrim { get; } = new();

    /// <summary>
    /// Speculative block fetches allowed at once over every fetch of this daemon (gateway and API streams): each
    /// stream's window is paced by its client, and this caps their sum (<see cref="ReadAheadSlots"/> blocks).
    /// </summary>
    internal ReadAheadBudget ReadAhead { get; } = new(ReadAheadSlots);

    /// <summary>When set, wraps every fetch's block getter: tests count the blocks a request reads through it.</summary>
    internal Func<IBlockGetter, IBlockGetter>? FetchReads { get; set; }

    /// <summary>
    /// Pins <paramref name="cid"/>, fetching from the swarm whatever of its DAG the repo lacks (kubo's pin add).
    /// </summary>
    public async Task PinAsync(Cid cid, bool recursive, CancellationToken ct, IProgress<long>? blocks = null)
    {
        // A session of its own, not a SwarmFetch: the pin takes the gc gate itself, and the gate is not reentrant.
        await using (var session = Exchange.OpenSession(cid))
            await Local.PinAsync(cid, recursive, blocks is null ? session : new CountingBlockGetter(session, blocks), ct);
        Local.Blocks.Flush();
    }

    /// <summary>
    /// After an add: announces the root before returning (so it can be found as soon as the command ends) and
    /// queues every other block of the DAG for the background announcer, as the import listed them in
    /// <paramref name="stored"/>: reading the DAG back would read and hash every leaf again.
    /// </summary>
    public async Task AnnounceAddedAsync(Cid root, StoredBlocks stored, CancellationToken ct)
    {
        await Reprovider.AnnounceNowAsync(root.Multihash, ct);
        Reprovider.Enqueue(stored.Without(root.Multihash));
    }

    private async Task JoinAsync()
    {
        try
        {
            await Host.JoinAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "Joining the network failed; the node keeps listening");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _logger.LogInformation("Daemon stopping");
        foreach (var path in new[] { ApiFilePath, GatewayFilePath })
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException e)
            {
                _logger.LogWarning("Could not delete {Path}: {Error}", path, e.Message);
            }
        }
        // All three stop at once, so their in-flight requests share one grace period (LoopbackWebHost.StopGrace).
        await Task.WhenAll(
            LocalChannel is null ? Task.CompletedTask : LocalChannel.DisposeAsync().AsTask(),
            Gateway is null ? Task.CompletedTask : Gateway.DisposeAsync().AsTask(),
            Api is null ? Task.CompletedTask : Api.DisposeAsync().AsTask());
        Bandwidth.Dispose();
        // The exchange goes before the transport it sends on; the router drops what arrives after.
        await Exchange.DisposeAsync();
        Local.Blocks.Flush();
        await Reprovider.DisposeAsync();
        await Names.DisposeAsync();
        await Host.DisposeAsync();
        await _join.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        Host.Identity.Dispose();
        Local.Dispose();
    }

    /// <summary>What opening the repo found and mended, or could not: said once at start, where an operator looks.</summary>
    private static void LogRepoRepairs(Repo repo, ILogger logger)
    {
        if (repo.Swept.Entries > 0)
            logger.LogWarning("Removed {Entries} scratch entries ({Bytes} bytes) left by a process that died", repo.Swept.Entries, repo.Swept.Bytes);
        if (repo.Pins.Recovery is { } recovered)
            logger.LogWarning("{Recovery}", recovered);
        if (repo.Blocks is PackBlockStore { LossWarnings.Count: > 0 } pack)
            logger.LogWarning("Block store lost data while the repo was closed: {Losses}", string.Join("; ", pack.LossWarnings));
        if (repo.Pins.Problem is { } problem)
            logger.LogError("{Problem}; gc is refused until the pin set is restored", problem);
    }
}
