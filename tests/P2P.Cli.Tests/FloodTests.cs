using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace P2P.Cli.Tests;

/// <summary>
/// A flood of hostile datagrams at a live daemon of a two-node swarm (real processes on 127.0.0.1): the daemon stays
/// up, its memory stays bounded, and lookups and fetches of content held by the other node, made through it during
/// the flood, still succeed. The million-datagram run is scripts/flood.sh (docs/RELIABILITY.md).
/// </summary>
public sealed class FloodTests(ITestOutputHelper log)
{
    private const int Datagrams = 20_000;
    private const int Files = 3;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    private static long RssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("no VmRSS line");
    }

    private static async Task<byte[]> PostAsync(string repo, string command, CancellationToken ct)
    {
        var port = File.ReadAllText(Path.Combine(repo, "api")).Trim().Split('/')[4];
        using var response = await Http.PostAsync(new Uri($"http://127.0.0.1:{port}/api/v0/{command}"), null, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{command}: HTTP {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        return body;
    }

    [Fact]
    public async Task Daemon_UnderDatagramFlood_StaysUpBoundedAndServesLookupsAndFetches()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var holder = await swarm.InitAsync("holder");
        var holderDaemon = await swarm.StartAsync(holder);
        var target = await swarm.InitAsync("target");
        var targetDaemon = await swarm.StartAsync(target);
        var files = new List<(string Cid, string Sha)>();
        for (var i = 0; i < Files; i++)
        {
            var (path, sha) = swarm.WriteFile($"f{i}.bin", 2, seed: 30 + i);
            files.Add((await SwarmFixture.RunOkAsync(holder, "add", "-Q", path), sha));
        }
        await swarm.WaitForProvidersAsync(target, files[^1].Cid, 1);
        var holderPeer = SwarmFixture.PeerOf(holderDaemon);
        var rssBefore = RssKiB(targetDaemon.Pid);
        var port = int.Parse(targetDaemon.Address.Split('/')[4], CultureInfo.InvariantCulture);

        // The time bound is a backstop (20,000 datagrams take about 2 s on a quiet machine); a loaded one sent only
        // 17,525 in 20 s, and the test needs the whole flood.
        var flood = Task.Run(() => FloodSender.RunAsync(port, Datagrams, TimeSpan.FromSeconds(60), seed: 7, swarm.Ct));
        var lookups = new List<double>();
        var fetches = new List<double>();
        var next = 0;
        var peak = rssBefore;
        do
        {
            var clock = Stopwatch.StartNew();
            var found = System.Text.Encoding.UTF8.GetString(await PostAsync(target, $"dht/findprovs?arg={files[0].Cid}&num-providers=1", swarm.Ct));
            lookups.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Contains(holderPeer, found, StringComparison.Ordinal);
            if (next < Files)
            {
                clock.Restart();
                var bytes = await PostAsync(target, $"cat?arg={files[next].Cid}", swarm.Ct);
                fetches.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal(files[next].Sha, Convert.ToHexString(SHA256.HashData(bytes)));
                next++;
            }
            peak = Math.Max(peak, RssKiB(targetDaemon.Pid));
        }
        while (!flood.IsCompleted);
        var result = await flood;
        // Fetches not made while the flood ran (it can outpace them) are made now; they must still work.
        for (; next < Files; next++)
            Assert.Equal(files[next].Sha, Convert.ToHexString(SHA256.HashData(await PostAsync(target, $"cat?arg={files[next].Cid}", swarm.Ct))));
        var rssAfter = RssKiB(targetDaemon.Pid);

        log.WriteLine($"sent {result.Sent} datagrams in {result.Elapsed.TotalSeconds:F2} s ({result.PerSecond:F0}/s); " +
            $"RSS before {rssBefore / 1024} MiB, peak {peak / 1024} MiB, after {rssAfter / 1024} MiB; " +
            $"lookups {lookups.Count} (max {lookups.DefaultIfEmpty().Max():F0} ms), fetches during flood {fetches.Count} (max {fetches.DefaultIfEmpty().Max():F0} ms)");
        Assert.Equal(Datagrams, result.Sent);
        Assert.NotEmpty(lookups);
        Assert.InRange(peak, 1, rssBefore + (256 << 10));
        var id = await CliRunner.RunAsync(target, "id");
        Assert.True(id.ExitCode == 0, id.Stderr);
        Assert.Equal(0, await targetDaemon.StopAsync(swarm.Ct));
    }
}
