using System.Diagnostics;
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
            "config.get", "config.set", "config.getAll", "bootstrap.add", "bootstrap.list", "bootstrap.rm", "key.gen", "key.list", "key.rename", "key.rm", "swarm.addrs", "swarm.peers", "ping", "stop" })
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

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "interop", "kubo-rpc-client", "drive.mjs")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("tests/interop/kubo-rpc-client not found"),
            "tests", "interop", "kubo-rpc-client", "drive.mjs");
    }

    /// <summary>
    /// kubo-rpc-client installed once per machine in a folder outside the source tree (node_modules is never
    /// committed); skipped with the reason when node or npm is missing or the install fails, failed under CI.
    /// </summary>
    private static async Task<string> InstallClientAsync(CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"p2p-kubo-rpc-client-{ClientVersion}");
        if (File.Exists(Path.Combine(dir, "node_modules", "kubo-rpc-client", "package.json")) && await Tool("node", ["--version"], dir, ct) is (0, _))
            return dir;
        var missing = new List<string>();
        foreach (var tool in new[] { "node", "npm" })
        {
            if (await Tool(tool, ["--version"], Path.GetTempPath(), ct) is not (0, _))
                missing.Add(tool);
        }
        SkipOrFail(missing.Count > 0, $"{string.Join(" and ", missing)} not installed (scripts/test.sh installs nodejs and npm)");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "package.json"), "{ \"name\": \"p2p-kubo-rpc-client-cache\", \"private\": true }\n", ct);
        var (code, output) = await Tool("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", $"kubo-rpc-client@{ClientVersion}"], dir, ct);
        SkipOrFail(code != 0, $"npm could not install kubo-rpc-client: {output.Split('\n').FirstOrDefault(l => l.Contains("ERR", StringComparison.Ordinal)) ?? output}");
        return dir;
    }

    private static void SkipOrFail(bool missing, string reason)
    {
        if (!missing)
            return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must run the kubo-rpc-client test, but: {reason}");
        Skip.If(true, reason);
    }

    private static Task<(int Code, string Output)> RunNodeAsync(string clientDir, string[] args, CancellationToken ct) =>
        Tool("node", args, clientDir, ct, ("KUBO_RPC_CLIENT_DIR", clientDir));

    /// <summary>Runs a tool to its end (bounded by <paramref name="ct"/>); -1 when it cannot be started.</summary>
    private static async Task<(int Code, string Output)> Tool(string name, string[] args, string workDir, CancellationToken ct, params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        foreach (var (key, value) in env)
            psi.Environment[key] = value;
        Process? process;
        try
        {
            process = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, $"{name} not found");
        }
        if (process is null)
            return (-1, $"{name} did not start");
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
