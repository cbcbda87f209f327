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
        var polled = clock.Elapsed;
        // The daemons' own clocks say when each pair connected: the first "Found <peer> on the LAN" of either side,
        // after the last node started discovery. The CLI polls above (a process each) only bound it from above.
        var measured = DiscoveryTime(swarm) ?? polled;
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"every pair of {Nodes} nodes connected {measured.TotalMilliseconds:F0} ms after the last one started (by the daemons' logs); every table complete within {polled.TotalMilliseconds:F0} ms of the test's polls"));
        Assert.True(measured < TimeSpan.FromSeconds(5), $"discovery took {measured.TotalSeconds:F1} s\n{swarm.Logs()}");
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

    /// <summary>
    /// From the daemons' log lines (HH:mm:ss.fff first): the time from the last "LAN discovery on" to the moment every
    /// pair had connected; null when a pair has no "Found" line (it met through the DHT instead).
    /// </summary>
    private static TimeSpan? DiscoveryTime(NetNsSwarm swarm)
    {
        var lines = Enumerable.Range(0, Nodes).Select(n => swarm.Daemon(n).Output.Split('\n')).ToArray();
        var started = lines.Select(l => l.Where(x => x.Contains("LAN discovery on", StringComparison.Ordinal)).Select(Stamp).Min()).Max();
        var done = started;
        for (var a = 0; a < Nodes; a++)
        {
            for (var b = a + 1; b < Nodes; b++)
            {
                var found = FoundAt(lines[a], swarm.PeerId(b)).Concat(FoundAt(lines[b], swarm.PeerId(a))).ToList();
                if (found.Count == 0)
                    return null;
                done = found.Min() > done ? found.Min() : done;
            }
        }
        var elapsed = done - started;
        return elapsed < TimeSpan.Zero ? elapsed + TimeSpan.FromDays(1) : elapsed;
    }

    private static IEnumerable<TimeSpan> FoundAt(string[] lines, string peer) =>
        lines.Where(l => l.Contains($"Found {peer} on the LAN", StringComparison.Ordinal) && l.Contains("connected", StringComparison.Ordinal)).Select(Stamp);

    private static TimeSpan Stamp(string line) => TimeSpan.ParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);

    private static async Task<bool> HasAllOthersAsync(NetNsSwarm swarm, int node)
    {
        var r = await swarm.RunAsync(node, "dht", "table");
        return r.ExitCode == 0 && Enumerable.Range(0, Nodes).Where(o => o != node).All(o => r.Stdout.Contains(swarm.PeerId(o), StringComparison.Ordinal));
    }
}
