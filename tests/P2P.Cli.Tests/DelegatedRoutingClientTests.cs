using P2P.Tests.Interop;
using System.Text.Json;
using Xunit.Abstractions;

namespace P2P.Cli.Tests;

/// <summary>
/// Helia's Delegated Routing V1 HTTP API client (npm @helia/delegated-routing-v1-http-api-client, the one browsers
/// and Helia nodes use) against a real daemon's gateway (tests/interop/delegated-routing-client/drive.mjs): after
/// `p2p add`, getProviders(cid) must return the daemon with the address it listens on, parsed by the client's own
/// code, and getPeers(its id as a CIDv1) the same. Skipped with the reason without node and npm (failed under CI).
/// </summary>
public sealed class DelegatedRoutingClientTests(ITestOutputHelper log) : ProcessTestBase(TimeSpan.FromMinutes(4))
{
    /// <summary>The client version the script is written against (its package.json pins the same).</summary>
    private const string ClientVersion = "9.0.2";

    private const string Package = "@helia/delegated-routing-v1-http-api-client";

    [SkippableFact]
    public async Task HeliaClient_FindsTheDaemonAsProviderAndPeer()
    {
        var clientDir = await NpmPackage.InstallAsync(Package, ClientVersion, "delegated routing client", Ct);
        var repo = Dir.Combine("repo");
        Assert.Equal(0, (await CliRunner.RunAsync(repo, "init")).ExitCode);
        await using var daemon = await DaemonProcess.StartAsync(repo, Ct);
        var file = Dir.Combine("held.txt");
        await File.WriteAllTextAsync(file, "held by the daemon, found through /routing/v1\n", Ct);
        var added = await CliRunner.RunAsync(repo, "add", "-Q", "--cid-version", "1", file);
        Assert.True(added.ExitCode == 0, added.Stderr);
        var cid = added.Stdout.Trim();
        var at = daemon.Address.LastIndexOf("/p2p/", StringComparison.Ordinal);
        var (listen, peer) = (daemon.Address[..at], daemon.Address[(at + "/p2p/".Length)..]);

        var (exit, output) = await NpmPackage.RunAsync("node", [NpmPackage.Script("delegated-routing-client", "drive.mjs"), GatewayUrl(repo), cid, peer],
            clientDir, Ct, ("DELEGATED_ROUTING_CLIENT_DIR", clientDir));
        log.WriteLine(output);

        Assert.True(exit == 0, output);
        var calls = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("call").GetString()!, e => e.GetProperty("records"));
        foreach (var call in new[] { "getProviders", "getPeers" })
        {
            var record = Assert.Single(calls[call].EnumerateArray());
            Assert.Equal(peer, record.GetProperty("ID").GetString());
            Assert.Contains(listen, record.GetProperty("Addrs").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("transport-p2p-exchange", Assert.Single(record.GetProperty("Protocols").EnumerateArray()).GetString());
        }
    }

    /// <summary>The gateway's URL, from the `gateway` file the daemon writes (/ip4/A/tcp/PORT).</summary>
    private static string GatewayUrl(string repo)
    {
        var parts = File.ReadAllText(Path.Join(repo, "gateway")).Trim().Split('/');
        return $"http://{parts[2]}:{parts[4]}";
    }
}
