using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace P2P.Cli.Tests;

/// <summary>
/// `p2p daemon`'s edges as a user meets them: a busy port, a stop in the middle of a request, an API bound to every
/// interface, the provider records of a gc'd block, and what the daemon prints and logs while it runs alone.
/// </summary>
public sealed class DaemonStartupTests : ProcessTestBase
{
    public DaemonStartupTests()
        : base(TimeSpan.FromSeconds(120))
    {
    }

    private async Task<string> InitAsync(string name)
    {
        var repo = Dir.Combine(name);
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return repo;
    }

    private static void SetConfig(string repo, string key, string value)
    {
        var path = Path.Combine(repo, "config.json");
        File.WriteAllText(path, Regex.Replace(File.ReadAllText(path), $"\"{key}\": \"[^\"]*\"", $"\"{key}\": \"{value}\""));
    }

    /// <summary>One line on stderr, exit 1, no stack trace on either stream nor in the log file, and nothing left running.</summary>
    private static void AssertOneLineFailure(CliResult r, string repo, string expected)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.Equal([expected], r.StderrLines);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", r.Stdout + r.Stderr, StringComparison.Ordinal);
        var logs = Path.Combine(repo, "logs");
        if (Directory.Exists(logs))
        {
            foreach (var log in Directory.EnumerateFiles(logs))
                Assert.DoesNotContain("\"@x\"", File.ReadAllText(log), StringComparison.Ordinal);
        }
        Assert.False(File.Exists(Path.Combine(repo, "api")), "a failed start left its api file");
    }

    [Fact]
    public async Task Daemon_BusyApiPort_OneLineExit1()
    {
        var repo = await InitAsync("a");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        SetConfig(repo, "api", $"127.0.0.1:{port}");
        var r = await CliRunner.RunAsync(repo, "daemon", "--listen", "/ip4/127.0.0.1/udp/0", "--gateway", "127.0.0.1:0");
        AssertOneLineFailure(r, repo, $"Error: API port 127.0.0.1:{port} is in use (set \"api\" in config)");
        // The repo was released: an offline command opens it.
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "repo", "stat")).ExitCode);
    }

    [Fact]
    public async Task Daemon_BusyGatewayPort_OneLineExit1()
    {
        var repo = await InitAsync("a");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var r = await CliRunner.RunAsync(repo, "daemon", "--listen", "/ip4/127.0.0.1/udp/0", "--api", "127.0.0.1:0", "--gateway", $"127.0.0.1:{port}");
        AssertOneLineFailure(r, repo, $"Error: gateway port 127.0.0.1:{port} is in use (change --gateway)");
    }

    [Fact]
    public async Task Daemon_BusyUdpPort_OneLineExit1()
    {
        var repo = await InitAsync("a");
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;
        SetConfig(repo, "listen", $"/ip4/127.0.0.1/udp/{port}");
        var r = await CliRunner.RunAsync(repo, "daemon", "--api", "127.0.0.1:0", "--gateway", "127.0.0.1:0");
        AssertOneLineFailure(r, repo, $"Error: UDP port 127.0.0.1:{port} is in use (set \"listen\" in config)");
    }

    [Fact]
    public async Task Daemon_SigtermDuringARequest_StopsWithinSecondsAndReleasesTheRepo()
    {
        // A provider capped at 32 KB/s serves a 4 MiB file in 16 KiB blocks: past the limiter's first burst (one
        // largest message) the fetcher's `cat` streams for a minute or more.
        var first = await InitAsync("first");
        await using var provider = await DaemonProcess.StartAsync(first, ["--upload-rate", "32000"], Ct);
        var file = Dir.Combine("slow.bin");
        File.WriteAllBytes(file, Enumerable.Range(0, 4 << 20).Select(i => (byte)(i * 31 % 251)).ToArray());
        var cid = (await CliRunner.RunAsync(first, "add", "-Q", "--chunker", "size-16384", file)).Stdout.Trim();
        var second = await InitAsync("second");
        var config = Path.Combine(second, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"bootstrap\": []", $"\"bootstrap\": [\"{provider.Address}\"]", StringComparison.Ordinal));
        await using var daemon = await DaemonProcess.StartAsync(second, Ct);

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "p2p.dll"), "cat", cid })
            psi.ArgumentList.Add(a);
        psi.Environment["P2P_PATH"] = second;
        using var cat = Process.Start(psi)!;
        var catErr = cat.StandardError.ReadToEndAsync(Ct);
        // The first bytes out of `cat` mean the daemon's answer is streaming: the request is in flight.
        var buffer = new byte[1];
        Assert.Equal(1, await cat.StandardOutput.BaseStream.ReadAsync(buffer, Ct));
        var drain = cat.StandardOutput.BaseStream.CopyToAsync(Stream.Null, Ct);

        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(0, await daemon.StopAsync(Ct));
        stopwatch.Stop();
        // The grace for requests is 2 s; before, Kestrel waited for the stream and the CLI's 15 s backstop ended it.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(6), $"the daemon took {stopwatch.Elapsed} to stop\n{daemon.Output}");
        Assert.Contains("Daemon stopped", daemon.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(second, "api")));
        await cat.WaitForExitAsync(Ct);
        await drain;
        Assert.NotEqual(0, cat.ExitCode);
        Assert.Single((await catErr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, (await CliRunner.RunAsync(second, "repo", "stat")).ExitCode);
    }

    [SkippableTheory]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    public async Task Cli_FindsADaemonBoundToEveryInterface(string any)
    {
        Skip.If(any.StartsWith('[') && !Socket.OSSupportsIPv6, "no IPv6 on this machine");
        var repo = await InitAsync("a");
        await using var daemon = await DaemonProcess.StartAsync(repo, ["--api", $"{any}:0"], Ct);
        Assert.True(File.Exists(Path.Combine(repo, "api.token")), "beyond loopback the API needs its token");
        var id = await CliRunner.RunAsync(repo, "id");
        Assert.True(id.ExitCode == 0, id.Stderr);
        Assert.Contains(daemon.Address[(daemon.Address.LastIndexOf('/') + 1)..], id.Stdout, StringComparison.Ordinal);
        var table = await CliRunner.RunAsync(repo, "dht", "table");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("WebUI: http://" + (any == "0.0.0.0" ? "127.0.0.1" : "[::1]"), daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindProvs_AfterGc_NoLongerListsTheNodeItself()
    {
        var first = await InitAsync("first");
        await using var a = await DaemonProcess.StartAsync(first, Ct);
        var second = await InitAsync("second");
        var config = Path.Combine(second, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"bootstrap\": []", $"\"bootstrap\": [\"{a.Address}\"]", StringComparison.Ordinal));
        await using var b = await DaemonProcess.StartAsync(second, Ct);
        var bPeer = b.Address[(b.Address.LastIndexOf('/') + 1)..];
        while (!(await CliRunner.RunAsync(first, "dht", "table")).Stdout.Contains(bPeer, StringComparison.Ordinal))
            Ct.ThrowIfCancellationRequested();

        var file = Dir.Combine("f.txt");
        File.WriteAllText(file, "provided, then collected");
        var cid = (await CliRunner.RunAsync(second, "add", "-Q", file)).Stdout.Trim();
        // The first node stores the second's record: the second finds itself through it.
        var before = await CliRunner.RunAsync(second, "dht", "findprovs", cid);
        Assert.Contains(bPeer, before.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync(second, "pin", "rm", cid)).ExitCode);
        Assert.Contains(cid, (await CliRunner.RunAsync(second, "repo", "gc")).Stdout, StringComparison.Ordinal);
        var after = await CliRunner.RunAsync(second, "dht", "findprovs", cid);
        Assert.DoesNotContain(bPeer, after.Stdout, StringComparison.Ordinal);
        // The record the first node keeps still names the second until it expires; only the second knows better.
        Assert.Contains(bPeer, (await CliRunner.RunAsync(first, "dht", "findprovs", cid)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_AloneWithADeadSeed_PrintsItsAddressesOnceAndDoesNotRepeatInfo()
    {
        var repo = await InitAsync("a");
        // A seed that never answers: a bound UDP port nobody reads, under a real PeerId.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var seedPeer = (await CliRunner.RunAsync(await InitAsync("seed"), "id")).StdoutLines[0].Split(' ')[0];
        var seed = $"/ip4/127.0.0.1/udp/{((IPEndPoint)silent.Client.LocalEndPoint!).Port}/p2p/{seedPeer}";
        var config = Path.Combine(repo, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"bootstrap\": []", $"\"bootstrap\": [\"{seed}\"]", StringComparison.Ordinal));
        await using var daemon = await DaemonProcess.StartAsync(repo, ["--log-level", "debug"], Ct);

        // The second failed join (at Debug) proves a retry happened; its Information line must not repeat.
        static bool Alone(string line) => line.Contains("Could not join the DHT", StringComparison.Ordinal);
        await daemon.WaitForLineAsync(l => Alone(l) && l.Contains(" DBG ", StringComparison.Ordinal), Ct);
        Assert.Equal(0, await daemon.StopAsync(Ct));
        var lines = daemon.Output.Split('\n');
        Assert.Single(lines, l => Alone(l) && l.Contains(" INF ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Joined the DHT", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("API server listening on /ip4/127.0.0.1/tcp/", StringComparison.Ordinal));
        Assert.Single(lines, l => Regex.IsMatch(l, @"^WebUI: http://127\.0\.0\.1:\d+/webui$"));
        Assert.Single(lines, l => l.StartsWith("Gateway server listening on /ip4/127.0.0.1/tcp/", StringComparison.Ordinal));
        Assert.Single(lines, l => l == "Daemon is ready");
        // No Information line other than the start and stop ones comes twice.
        var repeated = lines.Where(l => l.Contains(" INF ", StringComparison.Ordinal))
            .GroupBy(l => l[(l.IndexOf(" INF ", StringComparison.Ordinal) + 5)..]).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(repeated);
    }
}
