using P2P.Tests.Interop;
using Xunit.Abstractions;

namespace P2P.Cli.Tests;

/// <summary>
/// kubo's own JavaScript RPC client (npm kubo-rpc-client) drives a running daemon through every call a kubo user
/// makes (tests/interop/kubo-rpc-client/drive.mjs): each must come back ok, parsed by the client's own code. A second
/// daemon gives findPeer, ping, findProvs and the swarm calls something to find. Without node and npm the test is
/// skipped with the reason (under CI=true it fails: scripts/test.sh installs them).
/// </summary>
public sealed class KuboRpcClientTests(ITestOutputHelper log) : ProcessTestBase(TimeSpan.FromMinutes(6))
{
    /// <summary>The client version the script is written against (package.json pins the same).</summary>
    private const string ClientVersion = "7.1.0";

    [SkippableFact]
    public async Task Drive_EveryKuboCall_IsOk()
    {
        var clientDir = await InstallClientAsync(Ct);
        var a = Dir.Combine("a");
        var b = Dir.Combine("b");
        foreach (var repo in new[] { a, b })
            Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        await using var daemonB = await DaemonProcess.StartAsync(b, Ct);
        await using var daemonA = await DaemonProcess.StartAsync(a, Ct);
        var connect = await CliRunner.RunAsync(a, "swarm", "connect", daemonB.Address);
        Assert.True(connect.ExitCode == 0, connect.Stderr);
        var file = Dir.Combine("provided.txt");
        await File.WriteAllTextAsync(file, "held by the other daemon\n", Ct);
        var added = await CliRunner.RunAsync(b, "add", "-Q", file);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var peerB = daemonB.Address[(daemonB.Address.LastIndexOf('/') + 1)..];

        var (exit, output) = await RunNodeAsync(clientDir, [Script(), ApiUrl(a), peerB, added.Stdout.Trim()], Ct);
        log.WriteLine(output);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(exit == 0, output);
        Assert.All(lines[..^1], line => Assert.StartsWith("ok ", line, StringComparison.Ordinal));
        Assert.Equal("all calls ok", lines[^1]);
        foreach (var call in new[] { "version", "id", "add", "cat", "ls", "refs", "refs.local", "block.put", "block.get", "block.stat", "block.rm",
            "repo.stat", "pin.add", "pin.ls", "pin.rm", "dag.get", "dag.stat (raw RPC)", "routing.provide", "routing.findProvs", "routing.findPeer",
            "config.get", "config.set", "config.getAll", "bootstrap.add", "bootstrap.list", "bootstrap.rm", "key.gen", "key.list", "key.rename", "key.rm", "name.publish", "name.resolve", "swarm.addrs", "swarm.peers", "ping", "files", "stop" })
            Assert.Contains(lines, line => line.StartsWith($"ok {call}: ", StringComparison.Ordinal));
        // `stop` is kubo's shutdown: the daemon exits by itself, cleanly, and the repo opens offline again.
        Assert.Equal(0, await daemonA.WaitForExitAsync(Ct));
        Assert.False(File.Exists(Path.Join(a, "api")));
        var offline = await CliRunner.RunAsync(a, "config", "limits.maxPeers");
        Assert.True(offline.ExitCode == 0, offline.Stderr);
        Assert.Equal("77\n", offline.Stdout);
    }

    private static string ApiUrl(string repo)
    {
        var parts = File.ReadAllText(Path.Join(repo, "api")).Trim().Split('/');
        return $"http://{parts[2]}:{parts[4]}";
    }

    private static string Script() => NpmPackage.Script("kubo-rpc-client", "drive.mjs");

    /// <summary>kubo-rpc-client installed once per machine outside the source tree (<see cref="NpmPackage"/>).</summary>
    private static Task<string> InstallClientAsync(CancellationToken ct) =>
        NpmPackage.InstallAsync("kubo-rpc-client", ClientVersion, "kubo-rpc-client", ct);

    private static Task<(int Code, string Output)> RunNodeAsync(string clientDir, string[] args, CancellationToken ct) =>
        NpmPackage.RunAsync("node", args, clientDir, ct, ("KUBO_RPC_CLIENT_DIR", clientDir));
}
