using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// Four daemons, each its own host in its own network namespace, on links capped by tbf and losing UDP datagrams at
/// random (nftables): a 16 MiB file added on one node is pinned by a second, then fetched by a third and a fourth
/// from both; every copy must be byte-identical and `dht findprovs` on every node must find the providers. Loss is
/// in force before the daemons start, so every handshake and DHT join runs under it too. Needs root, iproute2 and
/// nftables: elsewhere the tests say why and pass, except under CI (CI=true), which must provide them (.ci/run does).
/// </summary>
public sealed class LossyNetworkTests
{
    /// <summary>Every node's upload and download cap: 25 MB/s, so a 16 MiB transfer takes about a second unhindered.</summary>
    private const string Rate = "200mbit";

    private const int FileMib = 16;

    private readonly ITestOutputHelper _output;

    public LossyNetworkTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(5)]
    public Task Fetch_UnderUdpLoss_EveryCopyIsByteIdenticalAndProvidersAreFound(int lossPercent) => FetchUnderLossAsync(lossPercent);

    /// <summary>
    /// 20 % loss runs in the Long category (./scripts/test-long.sh) and in scripts/netns-bench.sh: under a loaded CI
    /// run one provider record once reached no node that a fetcher asked in time (an announcement counts as done
    /// when one node stores it; see docs/RELIABILITY.md), which a 20 % case in the fast suite turned into a flake.
    /// </summary>
    [SkippableFact]
    [Trait("Category", "Long")]
    public Task Fetch_UnderTwentyPercentUdpLoss_EveryCopyIsByteIdenticalAndProvidersAreFound() => FetchUnderLossAsync(20);

    private async Task FetchUnderLossAsync(int lossPercent)
    {
        NetNsTopology.SkipUnlessCanRun();
        await using var swarm = new NetNsSwarm(4, seed: 700 + lossPercent, TimeSpan.FromSeconds(110));
        swarm.Net.SetRate(Rate);
        swarm.Net.SetLoss(lossPercent);
        await swarm.StartAllAsync();
        await swarm.WaitForPeersAsync(0, 3);
        var (file, sha) = swarm.WriteFile("data.bin", FileMib, seed: 7000 + lossPercent);
        var cid = await swarm.RunOkAsync(0, "add", "-Q", file);
        await swarm.WaitForProvidersAsync(1, cid, swarm.PeerId(0));

        var clock = Stopwatch.StartNew();
        await swarm.RunOkAsync(1, "pin", "add", cid);
        var pinSeconds = clock.Elapsed.TotalSeconds;
        await AssertCopyAsync(swarm, 1, cid, sha);

        // Node 1 announces what it fetched; the last two fetch only once both providers are known, then at once.
        foreach (var node in new[] { 2, 3 })
            await swarm.WaitForProvidersAsync(node, cid, swarm.PeerId(0), swarm.PeerId(1));
        clock.Restart();
        await Task.WhenAll(AssertCopyAsync(swarm, 2, cid, sha), AssertCopyAsync(swarm, 3, cid, sha));
        var pairSeconds = clock.Elapsed.TotalSeconds;

        var fromProvider = new long[2];
        foreach (var node in new[] { 2, 3 })
        {
            var served = await ServedBytesAsync(swarm, node);
            var (from0, from1) = (served.GetValueOrDefault(swarm.PeerId(0)), served.GetValueOrDefault(swarm.PeerId(1)));
            _output.WriteLine($"node {node} received {from0} bytes from node 0, {from1} from node 1, {served.Values.Sum()} in all");
            Assert.True(served.Values.Sum() >= FileMib << 20, $"node {node} received {served.Values.Sum()} bytes");
            // At 20 % loss one fetcher now and then takes every block from one provider (left as an open issue in
            // docs/RELIABILITY.md). Up to 5 % each fetcher must take blocks from at least two peers: nodes 2 and 3
            // fetch at once and serve each other too, and in about one full-suite run in five node 2 took its second
            // share from node 3 rather than node 1 (also open in RELIABILITY.md). At any loss both providers must serve.
            if (lossPercent <= 5)
                Assert.True(served.Values.Count(b => b > 0) >= 2, $"node {node} fetched from one peer only: {string.Join(", ", served)}");
            fromProvider[0] += from0;
            fromProvider[1] += from1;
        }
        Assert.True(fromProvider[0] > 0 && fromProvider[1] > 0, $"a provider served nobody: {fromProvider[0]} / {fromProvider[1]} bytes");
        var lookups = new List<double>();
        for (var node = 0; node < 4; node++)
        {
            // Nodes 1-3 must find the adder, node 0; the adder must find another provider (the copies made since).
            var expected = node == 0 ? new[] { swarm.PeerId(1), swarm.PeerId(2), swarm.PeerId(3) } : [swarm.PeerId(0)];
            clock.Restart();
            var found = await swarm.FindProvidersAsync(node, cid);
            lookups.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(found.Overlaps(expected), $"node {node} findprovs {cid} printed [{string.Join(", ", found)}], none of {string.Join(", ", expected)}");
        }
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loss {lossPercent} %, tbf {Rate}: pin of {FileMib} MiB by node 1 {pinSeconds:F2} s ({(FileMib << 20) / pinSeconds / 1e6:F1} MB/s); " +
            $"nodes 2 and 3 together {pairSeconds:F2} s ({2.0 * (FileMib << 20) / pairSeconds / 1e6:F1} MB/s); findprovs (CLI included) {string.Join(" / ", lookups.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))} ms"));
    }

    private static async Task AssertCopyAsync(NetNsSwarm swarm, int node, string cid, string sha)
    {
        var output = Path.Combine(swarm.Root, $"copy{node}.bin");
        await swarm.RunOkAsync(node, "get", cid, "-o", output);
        Assert.Equal(sha, SwarmFixture.Sha(output));
    }

    /// <summary>Bytes node <paramref name="node"/> received from each peer, from its bitswap ledgers.</summary>
    private static async Task<Dictionary<string, long>> ServedBytesAsync(NetNsSwarm swarm, int node)
    {
        using var stat = JsonDocument.Parse(await swarm.RunOkAsync(node, "bitswap", "stat", "--enc", "json"));
        return stat.RootElement.GetProperty("Ledgers").EnumerateArray()
            .ToDictionary(l => l.GetProperty("Peer").GetString()!, l => l.GetProperty("BytesReceived").GetInt64());
    }
}
