using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace P2P.Cli.Tests;

/// <summary>
/// Real `p2p daemon` processes on 127.0.0.1 for the swarm-fetch tests: repos created with `p2p init`, the first
/// daemon as everyone's bootstrap peer, an upload cap per node through config.json, and the daemons' HTTP API for
/// polling their exchange counters. Every wait is bounded by the test's deadline.
/// </summary>
public sealed class SwarmFixture : IAsyncDisposable
{
    private static readonly HttpClient Http = new();
    private readonly TempDir _dir = new();
    private readonly List<DaemonProcess> _daemons = [];
    private readonly CancellationTokenSource _timeout;

    public SwarmFixture(TimeSpan deadline)
    {
        _timeout = new CancellationTokenSource(deadline);
    }

    public CancellationToken Ct => _timeout.Token;

    public string Root => _dir.Path;

    /// <summary>The first daemon started: the others bootstrap off it.</summary>
    public string? Seed { get; private set; }

    /// <summary>Creates a repo named <paramref name="name"/> with the given upload cap (0 = unlimited).</summary>
    public async Task<string> InitAsync(string name, long uploadRate = 0)
    {
        var repo = _dir.Combine(name);
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var path = Path.Combine(repo, "config.json");
        var config = File.ReadAllText(path)
            .Replace("\"uploadRateBytesPerSecond\": 0", $"\"uploadRateBytesPerSecond\": {uploadRate.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
        if (Seed is not null)
            config = config.Replace("\"bootstrap\": []", $"\"bootstrap\": [\"{Seed}\"]", StringComparison.Ordinal);
        File.WriteAllText(path, config);
        return repo;
    }

    /// <summary>Starts a daemon on <paramref name="repo"/>; the first one becomes the seed.</summary>
    public async Task<DaemonProcess> StartAsync(string repo)
    {
        var daemon = await DaemonProcess.StartAsync(repo, Ct);
        _daemons.Add(daemon);
        Seed ??= daemon.Address;
        return daemon;
    }

    /// <summary>Deterministic bytes written to a file in the fixture's folder; returns the path and its SHA-256.</summary>
    public (string Path, string Sha) WriteFile(string name, int mib, int seed) => WriteRandomFile(_dir.Combine(name), mib, seed);

    /// <summary>Writes <paramref name="mib"/> MiB from a <see cref="Random"/> seeded with <paramref name="seed"/>; returns the path and its SHA-256.</summary>
    public static (string Path, string Sha) WriteRandomFile(string path, int mib, int seed)
    {
        var data = new byte[mib << 20];
        new Random(seed).NextBytes(data);
        File.WriteAllBytes(path, data);
        return (path, Convert.ToHexString(SHA256.HashData(data)));
    }

    public static string Sha(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }

    /// <summary>Runs `p2p ARGS` on <paramref name="repo"/> and asserts it succeeded; returns its stdout.</summary>
    public static async Task<string> RunOkAsync(string repo, params string[] args)
    {
        var r = await CliRunner.RunAsync(repo, args);
        Assert.True(r.ExitCode == 0, $"p2p {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
        return r.Stdout.Trim();
    }

    /// <summary>POSTs to the API of the daemon running on <paramref name="repo"/> and parses the JSON answer.</summary>
    public async Task<JsonElement> ApiAsync(string repo, string command)
    {
        var address = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/');
        using var response = await Http.PostAsync(new Uri($"http://127.0.0.1:{address[4]}/api/v0/{command}"), null, Ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    /// <summary>The ledger line of <paramref name="peer"/> in the daemon's bitswap/stat, or null when it has none.</summary>
    public async Task<JsonElement?> LedgerAsync(string repo, string peer)
    {
        foreach (var ledger in (await ApiAsync(repo, "bitswap/stat")).GetProperty("Ledgers").EnumerateArray())
        {
            if (ledger.GetProperty("Peer").GetString() == peer)
                return ledger;
        }
        return null;
    }

    /// <summary>Checks <paramref name="condition"/> every 100 ms until it holds; fails at the deadline.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
        {
            if (Ct.IsCancellationRequested || !await timer.WaitForNextTickAsync(CancellationToken.None))
                Assert.Fail($"condition not met before the deadline\n{describe()}");
            if (Ct.IsCancellationRequested)
                Assert.Fail($"condition not met before the deadline\n{describe()}");
        }
    }

    /// <summary>Waits until the DHT on <paramref name="repo"/> lists at least <paramref name="count"/> providers of <paramref name="cid"/>.</summary>
    public Task WaitForProvidersAsync(string repo, string cid, int count) => WaitUntilAsync(async () =>
    {
        var found = await CliRunner.RunAsync(repo, "dht", "findprovs", cid);
        return found.ExitCode == 0 && found.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count() >= count;
    }, () => string.Join("\n---\n", _daemons.Select(d => d.Output)));

    public static string PeerOf(DaemonProcess daemon) => daemon.Address[(daemon.Address.LastIndexOf('/') + 1)..];

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
            await daemon.DisposeAsync();
        _timeout.Dispose();
        _dir.Dispose();
    }
}
