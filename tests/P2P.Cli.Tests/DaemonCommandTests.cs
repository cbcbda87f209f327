using System.Net;
using System.Text;
using System.Text.Json;

namespace P2P.Cli.Tests;

/// <summary>`p2p daemon` and the commands that talk to it, as real processes on 127.0.0.1.</summary>
public sealed class DaemonCommandTests : ProcessTestBase
{
    public DaemonCommandTests()
        : base(TimeSpan.FromSeconds(90))
    {
    }

    private async Task<string> InitAsync(string name, params string[] bootstrap)
    {
        var repo = Dir.Combine(name);
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        if (bootstrap.Length > 0)
        {
            var path = Path.Combine(repo, "config.json");
            var list = string.Join(",", bootstrap.Select(b => $"\"{b}\""));
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"bootstrap\": []", $"\"bootstrap\": [{list}]", StringComparison.Ordinal));
        }
        return repo;
    }

    [Fact]
    public async Task Daemon_ServesCommandsAndStopsCleanlyOnSigterm()
    {
        var repo = await InitAsync("a");
        var file = Dir.Combine("hello.txt");
        File.WriteAllText(file, "hello world");
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        Assert.True(File.Exists(Path.Combine(repo, "api")));

        var id = await CliRunner.RunAsync(repo, "id", "--enc", "json");
        Assert.Equal(0, id.ExitCode);
        Assert.Contains(daemon.Address, id.Stdout, StringComparison.Ordinal);

        // The repo is locked by the daemon, so these only work if the CLI goes through the API.
        var add = await CliRunner.RunAsync(repo, "add", file);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("added bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e hello.txt\n", add.Stdout);
        var cat = await CliRunner.RunAsync(repo, "cat", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        Assert.Equal("hello world", cat.Stdout);
        var missing = await CliRunner.RunAsync(repo, "cat", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku");
        Assert.Equal(4, missing.ExitCode);
        Assert.Single(missing.StderrLines);
        var pins = await CliRunner.RunAsync(repo, "pin", "ls");
        Assert.Contains("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e recursive", pins.Stdout, StringComparison.Ordinal);
        var table = await CliRunner.RunAsync(repo, "dht", "table");
        Assert.Equal(0, table.ExitCode);
        Assert.StartsWith("0 peers", table.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, await daemon.StopAsync(Ct));
        Assert.False(File.Exists(Path.Combine(repo, "api")), "the api file outlived the daemon");
        Assert.Contains("Daemon stopped", daemon.Output, StringComparison.Ordinal);
        var offline = await CliRunner.RunAsync(repo, "repo", "stat");
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        Assert.True(Directory.EnumerateFiles(Path.Combine(repo, "logs")).Any(), "no log file written");
    }

    [Fact]
    public async Task Daemon_ProviderAddedOnOneNodeIsFoundFromAnother()
    {
        var first = await InitAsync("first");
        await using var a = await DaemonProcess.StartAsync(first, Ct);
        var second = await InitAsync("second", a.Address);
        await using var b = await DaemonProcess.StartAsync(second, Ct);
        var file = Dir.Combine("data.bin");
        File.WriteAllBytes(file, Encoding.UTF8.GetBytes("provided by the second node"));
        var bPeer = b.Address[(b.Address.LastIndexOf('/') + 1)..];

        // The second node joins in the background (and retries while its table is empty); once each is in the
        // other's table, an add on the second announces the root to the first.
        await WaitUntilAsync(async () =>
                (await CliRunner.RunAsync(second, "dht", "table")).Stdout.StartsWith("1 peers", StringComparison.Ordinal)
                && (await CliRunner.RunAsync(first, "dht", "table")).Stdout.Contains(bPeer, StringComparison.Ordinal),
            () => $"first:\n{a.Output}\nsecond:\n{b.Output}");
        var cid = (await CliRunner.RunAsync(second, "add", "-Q", file)).Stdout.Trim();
        // add returns once the blocks are stored; the announcement follows from the provide queue, as in kubo, so
        // under load the first findprovs can run before it (seen at load 30): the answer must come, not at once.
        await WaitUntilAsync(async () =>
            {
                var found = await CliRunner.RunAsync(first, "dht", "findprovs", cid);
                return found.ExitCode == 0 && found.Stdout.Contains(bPeer, StringComparison.Ordinal);
            },
            () => $"{cid} never found on the first node\nfirst:\n{a.Output}\nsecond:\n{b.Output}");
        var peer = await CliRunner.RunAsync(first, "dht", "findpeer", bPeer);
        Assert.Equal(b.Address[..b.Address.IndexOf("/p2p/", StringComparison.Ordinal)], peer.Stdout.Trim());

        // kubo's ping: a header, one "Pong received" line per answer, the average.
        var ping = await CliRunner.RunAsync(first, "ping", bPeer, "-n", "2");
        Assert.True(ping.ExitCode == 0, ping.Stderr);
        Assert.Equal(2, ping.Stdout.Split('\n').Count(l => l.StartsWith("Pong received: time=", StringComparison.Ordinal)));
        Assert.Contains("Average latency: ", ping.Stdout, StringComparison.Ordinal);
        var peers = await CliRunner.RunAsync(first, "swarm", "peers");
        Assert.Contains($"/p2p/{bPeer} ", peers.Stdout, StringComparison.Ordinal);
        Assert.EndsWith(" direct", peers.Stdout.Split('\n').First(l => l.Contains(bPeer, StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_RestartedWithSameRepoRejoinsWithOldIdentity()
    {
        var first = await InitAsync("first");
        await using var a = await DaemonProcess.StartAsync(first, Ct);
        var second = await InitAsync("second", a.Address);
        string oldPeer;
        await using (var b = await DaemonProcess.StartAsync(second, Ct))
        {
            oldPeer = b.Address[(b.Address.LastIndexOf('/') + 1)..];
            await WaitUntilAsync(async () => (await CliRunner.RunAsync(first, "dht", "table")).Stdout.Contains(oldPeer, StringComparison.Ordinal), () => b.Output);
            Assert.Equal(0, await b.StopAsync(Ct));
        }
        Assert.Contains(a.Address, File.ReadAllText(Path.Combine(second, "peers.json")), StringComparison.Ordinal);

        // Same repo, no bootstrap list: the saved table brings it back, under its old PeerId, at a new port.
        var config = Path.Combine(second, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace($"\"{a.Address}\"", "", StringComparison.Ordinal));
        await using var again = await DaemonProcess.StartAsync(second, Ct);
        Assert.EndsWith("/p2p/" + oldPeer, again.Address, StringComparison.Ordinal);
        var newEndPoint = again.Address[..again.Address.IndexOf("/p2p/", StringComparison.Ordinal)];
        await WaitUntilAsync(async () => (await CliRunner.RunAsync(second, "dht", "table")).Stdout.StartsWith("1 peers", StringComparison.Ordinal), () => again.Output);
        var found = await CliRunner.RunAsync(first, "dht", "findpeer", oldPeer);
        Assert.Equal(newEndPoint, found.Stdout.Trim());
    }

    [Fact]
    public async Task Api_RefusesForeignOrigin()
    {
        var repo = await InitAsync("a");
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var api = File.ReadAllText(Path.Combine(repo, "api")).Split('/');
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api[4]}/") };
        using var evil = new HttpRequestMessage(HttpMethod.Post, "api/v0/id");
        evil.Headers.Add("Origin", "http://attacker.example");
        using var refused = await http.SendAsync(evil, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var plain = await http.PostAsync("api/v0/id", null, Ct);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using var doc = JsonDocument.Parse(await plain.Content.ReadAsStringAsync(Ct));
        Assert.StartsWith("12D3KooW", doc.RootElement.GetProperty("ID").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkCommands_WithoutDaemon_FailWithOneLineOrWorkOffline()
    {
        var repo = await InitAsync("a");
        var peers = await CliRunner.RunAsync(repo, "swarm", "peers");
        Assert.Equal(1, peers.ExitCode);
        Assert.Single(peers.StderrLines);
        Assert.Contains("p2p daemon", peers.Stderr, StringComparison.Ordinal);
        var id = await CliRunner.RunAsync(repo, "id");
        Assert.Equal(0, id.ExitCode);
        Assert.StartsWith("12D3KooW", id.Stdout, StringComparison.Ordinal);
        var bad = await CliRunner.RunAsync(repo, "swarm", "connect", "/ip4/127.0.0.1/tcp/1");
        Assert.Equal(2, bad.ExitCode);
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        while (!await condition())
        {
            if (Ct.IsCancellationRequested)
                Assert.Fail($"condition not met before the deadline\n{describe()}");
        }
    }
}
