using System.Net;
using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Exchange;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Providing;
using P2P.Node.Hosting.Routing;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Adversarial;

/// <summary>
/// One node of an adversarial swarm, composed as <see cref="Daemon"/> composes a daemon (NetworkHost, reprovider,
/// DHT provider finder, block exchange fed by the router) over an in-memory store. A hostile member is the same
/// node with its DHT answers replaced (<see cref="NetworkHostOptions.RequestHandlerDecorator"/>) and a lying store.
/// </summary>
public sealed class SwarmMember : IAsyncDisposable
{
    private SwarmMember(NetworkHost host, IBlockStore store, Reprovider reprovider, BlockExchange exchange, HostileRequestHandler? liar)
    {
        Host = host;
        Store = store;
        Reprovider = reprovider;
        Exchange = exchange;
        Liar = liar;
    }

    public NetworkHost Host { get; }

    public IBlockStore Store { get; }

    public Reprovider Reprovider { get; }

    public BlockExchange Exchange { get; }

    /// <summary>The hostile answers of this node; null for an honest node.</summary>
    public HostileRequestHandler? Liar { get; }

    public bool Hostile => Liar is not null;

    public static SwarmMember Start(NodeIdentity identity, IReadOnlyList<Multiaddr> bootstrap, int seed, DhtOptions dht,
        HostileStrategy? strategy, HostileCoalition coalition, ILoggerFactory logs)
    {
        var memory = new MemoryBlockStore();
        IBlockStore store = strategy is null ? memory : new LyingBlockStore(memory);
        HostileRequestHandler? liar = null;
        var options = new NetworkHostOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Bootstrap = bootstrap,
            RandomSeed = seed,
            Dht = dht,
            RequestHandlerDecorator = strategy is { } lie
                ? inner => liar = new HostileRequestHandler(inner, ((DhtNode)inner).Self, coalition, lie, dht.K)
                : null,
        };
        var host = NetworkHost.Start(identity, options, logs);
        var reprovider = new Reprovider(host, store, TimeSpan.FromHours(12), TimeProvider.System, logs.CreateLogger<Reprovider>());
        var finder = new DhtProviderFinder(host, reprovider, logs.CreateLogger<DhtProviderFinder>());
        var exchange = new BlockExchange(host.Transport, store, finder, new ExchangeOptions(), TimeProvider.System, logs.CreateLogger<BlockExchange>(), host.Dialer);
        host.Router.ExchangeSink = new ExchangeMessageSink(exchange, host.Router.Drops);
        return new SwarmMember(host, store, reprovider, exchange, liar);
    }

    /// <summary>Imports <paramref name="data"/> as a UnixFS file and announces it as a daemon's add does (root first, then the rest).</summary>
    public async Task<Cid> AddAsync(byte[] data, CancellationToken ct)
    {
        using var source = new MemoryStream(data, writable: false);
        var result = await UnixFsImporter.ImportFileAsync(source, new ImportOptions(), Store, null, ct);
        var blocks = await LocalContent.WalkAsync(result.Root, new OfflineBlockGetter(Store), ct);
        await Reprovider.AnnounceNowAsync(result.Root.Multihash, ct);
        Reprovider.Enqueue(blocks.Skip(1).Select(c => c.Multihash));
        return result.Root;
    }

    /// <summary>Fetches the file under <paramref name="root"/> through one exchange session, as `p2p get` does.</summary>
    public async Task<byte[]> FetchAsync(Cid root, CancellationToken ct)
    {
        await using var session = Exchange.OpenSession(root);
        var exporter = new UnixFsExporter(session, Daemon.FetchReadAhead);
        using var output = new MemoryStream();
        await exporter.WriteFileAsync(root, output, cancellationToken: ct);
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Exchange.DisposeAsync();
        await Reprovider.DisposeAsync();
        await Host.DisposeAsync();
        Host.Identity.Dispose();
    }
}
