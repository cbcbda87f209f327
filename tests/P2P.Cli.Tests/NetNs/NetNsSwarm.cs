using System.Globalization;
using System.Text.Json;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// Real `p2p daemon` processes, one per namespace of a <see cref="NetNsTopology"/>, each listening on its own
/// namespace address (config listen and gateway) with its API on the namespace's own loopback. The CLI runs inside
/// the node's namespace to reach that API. Node 0 is everyone's bootstrap peer. Every wait is bounded by the deadline.
/// </summary>
public sealed class NetNsSwarm : IAsyncDisposable
{
    /// <summary>The UDP port every node listens on: each namespace has its own ports, so one number serves all.</summary>
    public const int Port = 4001;

    private readonly TempDir _dir = new();
    private readonly CancellationTokenSource _timeout;
    private readonly DaemonProcess?[] _daemons;

    public NetNsSwarm(int nodes, int seed, TimeSpan deadline)
    {
        _timeout = new CancellationTokenSource(deadline);
        try
        {
            Net = NetNsTopology.Create(nodes, seed);
        }
        catch
        {
            _timeout.Dispose();
            _dir.Dispose();
            throw;
        }
        _daemons = new DaemonProcess?[nodes];
    }

    public NetNsTopology Net { get; }

    public CancellationToken Ct => _timeout.Token;

    public string Root => _dir.Path;

    public string Repo(int node) => _dir.Combine($"node{node + 1}");

    public DaemonProcess Daemon(int node) => _daemons[node] ?? throw new InvalidOperationException($"node {node} is not running");

    public string Listen(int node) => $"/ip4/{Net.Address(node)}/udp/{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Node <paramref name="node"/>'s PeerId, from its daemon's address.</summary>
    public string PeerId(int node) => SwarmFixture.PeerOf(Daemon(node));

    /// <summary>Inits every repo, starts node 0, then the others at once (bootstrapped off node 0).</summary>
    public async Task StartAllAsync()
    {
        for (var i = 0; i < Net.Count; i++)
            await InitAsync(i);
        await StartAsync(0);
        for (var i = 1; i < Net.Count; i++)
            SetBootstrap(i, Daemon(0).Address);
        await Task.WhenAll(Enumerable.Range(1, Net.Count - 1).Select(StartAsync));
    }

    /// <summary>
    /// Inits every repo, lets <paramref name="configure"/> edit each config (node, config), and starts every node at
    /// once with an empty bootstrap list: they can only find each other on their own (LAN discovery).
    /// </summary>
    public async Task StartWithoutBootstrapAsync(Action<int, Dictionary<string, JsonElement>> configure)
    {
        for (var i = 0; i < Net.Count; i++)
            await InitAsync(i, configure);
        await Task.WhenAll(Enumerable.Range(0, Net.Count).Select(StartAsync));
    }

    private async Task InitAsync(int node, Action<int, Dictionary<string, JsonElement>>? configure = null)
    {
        var r = await CliRunner.RunAsync(Repo(node), "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var path = Path.Combine(Repo(node), "config.json");
        var config = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(path, Ct))!;
        config["listen"] = JsonSerializer.SerializeToElement(Listen(node));
        // The gateway on the namespace address checks that the node binds a non-loopback address beside its UDP port.
        config["gateway"] = JsonSerializer.SerializeToElement($"{Net.Address(node)}:8080");
        configure?.Invoke(node, config);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(config), Ct);
    }

    private void SetBootstrap(int node, string seed)
    {
        var path = Path.Combine(Repo(node), "config.json");
        var config = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(path))!;
        config["bootstrap"] = JsonSerializer.SerializeToElement(new[] { seed });
        File.WriteAllText(path, JsonSerializer.Serialize(config));
    }

    private async Task StartAsync(int node) =>
        _daemons[node] = await DaemonProcess.StartAsync(Repo(node), Ct, Net.Namespace(node), Listen(node));

    /// <summary>Runs `p2p ARGS` on node <paramref name="node"/>'s repo inside its namespace.</summary>
    public Task<CliResult> RunAsync(int node, params string[] args) =>
        CliRunner.RunInNamespaceAsync(Net.Namespace(node), Repo(node), null, args);

    /// <summary>Runs `p2p ARGS` on node <paramref name="node"/> and asserts it succeeded; returns its stdout.</summary>
    public async Task<string> RunOkAsync(int node, params string[] args)
    {
        var r = await RunAsync(node, args);
        Assert.True(r.ExitCode == 0, $"node {node}: p2p {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}\n{Logs()}");
        return r.Stdout.Trim();
    }

    /// <summary>The PeerIds `dht findprovs` prints on node <paramref name="node"/> (empty when it finds none).</summary>
    public async Task<IReadOnlySet<string>> FindProvidersAsync(int node, string cid)
    {
        var r = await RunAsync(node, "dht", "findprovs", cid);
        return r.ExitCode == 0
            ? r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet()
            : new HashSet<string>();
    }

    /// <summary>Asks `dht findprovs` on node <paramref name="node"/> until it lists every one of <paramref name="peers"/>.</summary>
    public Task WaitForProvidersAsync(int node, string cid, params string[] peers) =>
        WaitUntilAsync(async () => (await FindProvidersAsync(node, cid)).IsSupersetOf(peers),
            () => $"node {node} never found providers {string.Join(", ", peers)} of {cid}");

    /// <summary>Waits until node <paramref name="node"/>'s `swarm peers` lists at least <paramref name="count"/> peers.</summary>
    public Task WaitForPeersAsync(int node, int count) => WaitUntilAsync(async () =>
    {
        var r = await RunAsync(node, "swarm", "peers");
        return r.ExitCode == 0 && r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= count;
    }, () => $"node {node} never had {count} peers");

    /// <summary>Checks <paramref name="condition"/> every 200 ms until it holds; fails at the deadline with every daemon's output.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (!await condition())
        {
            if (Ct.IsCancellationRequested || !await timer.WaitForNextTickAsync(CancellationToken.None) || Ct.IsCancellationRequested)
                Assert.Fail($"condition not met before the deadline: {describe()}\n{Logs()}");
        }
    }

    /// <summary>Deterministic bytes in a file of the swarm's folder (outside every namespace: files are shared); returns its path and SHA-256.</summary>
    public (string Path, string Sha) WriteFile(string name, int mib, int seed) => SwarmFixture.WriteRandomFile(_dir.Combine(name), mib, seed);

    /// <summary>Every daemon's output so far, for failure messages.</summary>
    public string Logs() => string.Join("\n", _daemons.Select((d, i) => d is null ? "" : $"--- node {i} ---\n{d.Output}"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var daemon in _daemons)
            {
                if (daemon is not null)
                    await daemon.DisposeAsync();
            }
        }
        finally
        {
            Net.Dispose();
            _timeout.Dispose();
            _dir.Dispose();
        }
    }
}
