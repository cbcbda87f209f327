using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// LAN discovery between real daemons: three namespaces on one bridge (one LAN segment), each daemon listening on its
/// namespace address with an empty bootstrap list. With <c>discovery.mdns</c> on (the default) each must have the
/// others in its routing table within 5 s and find them with `dht findpeer`; with it off, none may find another.
/// The mDNS multicast never leaves the test's namespaces: the bridge has no uplink.
/// </summary>
public sealed class LanDiscoveryTests
{
    private const int Nodes = 3;

    private readonly ITestOutputHelper _output;

    public LanDiscoveryTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [SkippableFact]
    public async Task Daemons_OnOneSegmentWithNoBootstrap_HaveEachOtherInTheirTablesWithinFiveSeconds()
    {
        NetNsTopology.SkipUnlessCanRun();
        await using var swarm = new NetNsSwarm(Nodes, seed: 1306, TimeSpan.FromSeconds(90));
        await swarm.StartWithoutBootstrapAsync((_, _) => { });
        var clock = Stopwatch.StartNew();
        await swarm.WaitUntilAsync(async () => (await Task.WhenAll(Enumerable.Range(0, Nodes).Select(n => HasAllOthersAsync(swarm, n)))).All(x => x),
            () => "not every node has every other in its routing table");
        var elapsed = clock.Elapsed;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every node had the other {Nodes - 1} in its table {elapsed.TotalMilliseconds:F0} ms after the last daemon was ready (CLI polls included)"));
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"discovery took {elapsed.TotalSeconds:F1} s\n{swarm.Logs()}");
        var found = await swarm.RunOkAsync(0, "dht", "findpeer", swarm.PeerId(Nodes - 1));
        Assert.Contains(swarm.Net.Address(Nodes - 1).ToString(), found, StringComparison.Ordinal);
        for (var n = 0; n < Nodes; n++)
            Assert.Contains("LAN discovery on eth0", swarm.Daemon(n).Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Daemons_WithMdnsOffInTheConfig_DoNotFindEachOther()
    {
        NetNsTopology.SkipUnlessCanRun();
        await using var swarm = new NetNsSwarm(2, seed: 1307, TimeSpan.FromSeconds(60));
        await swarm.StartWithoutBootstrapAsync((_, config) =>
            config["discovery"] = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["mdns"] = false }));
        // Absence is proven over a window three times as long as discovery needs when it is on (the test above).
        var window = Stopwatch.StartNew();
        while (window.Elapsed < TimeSpan.FromSeconds(3))
        {
            for (var n = 0; n < 2; n++)
            {
                var peers = await swarm.RunOkAsync(n, "swarm", "peers");
                Assert.True(peers.Length == 0, $"node {n} found a peer with discovery.mdns off: {peers}\n{swarm.Logs()}");
            }
        }
        for (var n = 0; n < 2; n++)
        {
            Assert.Contains("LAN discovery off", swarm.Daemon(n).Output, StringComparison.Ordinal);
            Assert.Equal("0 peers", (await swarm.RunOkAsync(n, "dht", "table")).Split('\n')[0]);
        }
    }

    private static async Task<bool> HasAllOthersAsync(NetNsSwarm swarm, int node)
    {
        var r = await swarm.RunAsync(node, "dht", "table");
        return r.ExitCode == 0 && Enumerable.Range(0, Nodes).Where(o => o != node).All(o => r.Stdout.Contains(swarm.PeerId(o), StringComparison.Ordinal));
    }
}
