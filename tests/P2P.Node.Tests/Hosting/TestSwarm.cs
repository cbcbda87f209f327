using System.Net;
using P2P.Dht;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Tests.Hosting;

/// <summary>Live nodes on 127.0.0.1 in this process (real LiteNetLib transports), disposed together.</summary>
public sealed class TestSwarm : IAsyncDisposable
{
    public List<NetworkHost> Nodes { get; } = [];

    public CollectingLoggerFactory Logs { get; } = new();

    private readonly List<NodeIdentity> _identities = [];

    public static NetworkHostOptions Options(IReadOnlyList<Multiaddr>? bootstrap = null, string? state = null, int seed = 1) => new()
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        Bootstrap = bootstrap ?? [],
        StateDirectory = state,
        RandomSeed = seed,
        Dht = new DhtOptions { RequestTimeout = TimeSpan.FromSeconds(2), MinSlowAfter = TimeSpan.FromMilliseconds(200) },
    };

    public NetworkHost Start(NetworkHostOptions options, NodeIdentity? identity = null)
    {
        identity ??= NodeIdentity.Generate();
        _identities.Add(identity);
        var host = NetworkHost.Start(identity, options, Logs);
        Nodes.Add(host);
        return host;
    }

    /// <summary>Starts <paramref name="count"/> nodes, each joining through the first.</summary>
    public async Task StartAsync(int count, CancellationToken ct)
    {
        var first = Start(Options(seed: 0));
        for (var i = 1; i < count; i++)
        {
            var node = Start(Options([first.Address], seed: i));
            await node.JoinAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
        foreach (var identity in _identities)
            identity.Dispose();
    }
}
