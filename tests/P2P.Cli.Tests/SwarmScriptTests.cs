using System.Diagnostics;

namespace P2P.Cli.Tests;

/// <summary>scripts/swarm.sh end to end: up, refusal over a running swarm, exec, status, down.</summary>
public sealed class SwarmScriptTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "scripts", "swarm.sh")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("scripts/swarm.sh not found above the test binaries");
    }

    private async Task<(int Code, string Out, string Err)> SwarmAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(RepoRoot(), "scripts", "swarm.sh"));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["P2P_SWARM_DIR"] = _dir.Combine("swarm");
        // Ports of their own, apart from a developer's default swarm (14000+ / 15000+).
        psi.Environment["P2P_SWARM_UDP_BASE"] = "24600";
        psi.Environment["P2P_SWARM_API_BASE"] = "25600";
        psi.Environment["P2P_SWARM_GATEWAY_BASE"] = "25700";
        psi.Environment["P2P_NO_BUILD"] = "1";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task SwarmScript_UpExecStatusDown()
    {
        try
        {
            var up = await SwarmAsync("up", "3");
            Assert.True(up.Code == 0, up.Err);
            // Every node binds ports of its own (UDP, API, gateway): no node logs a bind error or runs without its gateway.
            var gateways = new HashSet<string>();
            for (var i = 1; i <= 3; i++)
            {
                var node = Path.Combine(_dir.Combine("swarm"), $"node{i}");
                var log = File.ReadAllText(Path.Combine(node, "daemon.out"));
                Assert.DoesNotContain("in use", log, StringComparison.Ordinal);
                Assert.DoesNotContain(" WRN ", log, StringComparison.Ordinal);
                Assert.DoesNotContain(" ERR ", log, StringComparison.Ordinal);
                Assert.True(gateways.Add(File.ReadAllText(Path.Combine(node, "gateway")).Trim()), $"node {i} shares a gateway port");
            }
            var again = await SwarmAsync("up", "2");
            Assert.NotEqual(0, again.Code);
            Assert.Contains("already running", again.Err, StringComparison.Ordinal);

            var file = _dir.Combine("f.txt");
            File.WriteAllText(file, "swarm script test");
            var cid = (await SwarmAsync("exec", "1", "add", "-Q", file)).Out.Trim();
            var provider = (await SwarmAsync("exec", "1", "id")).Out.Split('\n')[0];
            (int Code, string Out, string Err) found = (1, "", "");
            for (var attempt = 0; attempt < 20 && !found.Out.Contains(provider, StringComparison.Ordinal); attempt++)
                found = await SwarmAsync("exec", "3", "dht", "findprovs", cid);
            Assert.Contains(provider, found.Out, StringComparison.Ordinal);
            var status = await SwarmAsync("status");
            Assert.Equal(3, status.Out.Split('\n').Count(l => l.Contains("running", StringComparison.Ordinal)));
        }
        finally
        {
            var down = await SwarmAsync("down");
            Assert.Equal(0, down.Code);
        }
        var after = await SwarmAsync("status");
        Assert.DoesNotContain("running", after.Out, StringComparison.Ordinal);
    }
}
