namespace P2P.Cli.Tests;

/// <summary>
/// `p2p get` through a daemon fetching from other daemons (real processes on 127.0.0.1): a provider killed with
/// SIGKILL mid-fetch, a provider serving corrupted blocks, a fetcher killed and restarted, eight fetchers at once.
/// Providers are slowed by their upload cap where a test needs to act while the fetch runs.
/// </summary>
public sealed class SwarmFetchTests
{
    /// <summary>4 MB/s per capped provider: a 16 MiB fetch from two of them takes about two seconds.</summary>
    private const long SlowUpload = 4_000_000;

    [Fact]
    [Trait("Category", "Long")]
    public async Task Get_ProviderKilledMidFetch_FileArrivesWholeFromTheOthers()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var (file, sha) = swarm.WriteFile("data.bin", 16, seed: 1);
        var providers = new List<(string Repo, DaemonProcess Daemon)>();
        for (var i = 0; i < 3; i++)
        {
            var repo = await swarm.InitAsync($"provider{i}", SlowUpload);
            providers.Add((repo, await swarm.StartAsync(repo)));
        }
        var cid = "";
        foreach (var (repo, _) in providers)
            cid = await SwarmFixture.RunOkAsync(repo, "add", "-Q", file);
        var fetcher = await swarm.InitAsync("fetcher");
        await swarm.StartAsync(fetcher);
        await swarm.WaitForProvidersAsync(fetcher, cid, 3);

        var output = Path.Combine(swarm.Root, "out.bin");
        var get = CliRunner.RunAsync(fetcher, "get", cid, "-o", output);
        var victim = providers[1];
        await swarm.WaitUntilAsync(async () => await swarm.LedgerAsync(fetcher, SwarmFixture.PeerOf(victim.Daemon)) is { } l
                && l.GetProperty("BlocksReceived").GetInt64() >= 4,
            () => "the victim never served a block");
        await victim.Daemon.KillAsync(swarm.Ct);

        var result = await get;
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(sha, SwarmFixture.Sha(output));
        var served = (await swarm.LedgerAsync(fetcher, SwarmFixture.PeerOf(victim.Daemon)))!.Value.GetProperty("BytesReceived").GetInt64();
        Assert.InRange(served, 1, (16 << 20) - 1);
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Get_ProviderServingCorruptBlocks_IsDroppedAndFileIsCorrect()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var (file, sha) = swarm.WriteFile("data.bin", 8, seed: 2);
        var honest = await swarm.InitAsync("honest", SlowUpload);
        await swarm.StartAsync(honest);
        var liar = await swarm.InitAsync("liar", SlowUpload);
        // The liar keeps one file per block (flatfs), so the test can flip bytes in each block.
        File.Delete(Path.Combine(liar, "blocks", "PACK"));
        var config = Path.Combine(liar, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"blockStore\": \"pack\"", "\"blockStore\": \"flatfs\"", StringComparison.Ordinal));
        var liarDaemon = await swarm.StartAsync(liar);
        var cid = await SwarmFixture.RunOkAsync(honest, "add", "-Q", file);
        Assert.Equal(cid, await SwarmFixture.RunOkAsync(liar, "add", "-Q", file));
        // Providers serve straight from disk without re-hashing (as kubo without HashOnRead), so flipping a byte
        // in every block file makes the liar send blocks that do not match their CIDs.
        var corrupted = 0;
        foreach (var block in Directory.EnumerateFiles(Path.Combine(liar, "blocks"), "*.data", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(block);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(block, bytes);
            corrupted++;
        }
        Assert.True(corrupted > 30, $"only {corrupted} block files to corrupt");
        var fetcher = await swarm.InitAsync("fetcher");
        await swarm.StartAsync(fetcher);
        await swarm.WaitForProvidersAsync(fetcher, cid, 2);

        var output = Path.Combine(swarm.Root, "out.bin");
        var result = await CliRunner.RunAsync(fetcher, "get", cid, "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(sha, SwarmFixture.Sha(output));
        var ledger = (await swarm.LedgerAsync(fetcher, SwarmFixture.PeerOf(liarDaemon)))!.Value;
        Assert.True(ledger.GetProperty("CorruptBlocks").GetInt64() >= 1, ledger.ToString());
        Assert.True(ledger.GetProperty("Dropped").GetBoolean(), ledger.ToString());
        Assert.Equal(0, ledger.GetProperty("BlocksReceived").GetInt64());
        var verify = await CliRunner.RunAsync(fetcher, "repo", "verify");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Get_FetcherKilledAndRestarted_RefetchesOnlyWhatItLacked()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(3));
        var (file, sha) = swarm.WriteFile("data.bin", 16, seed: 3);
        var seed = await swarm.InitAsync("seed", SlowUpload);
        await swarm.StartAsync(seed);
        var cid = await SwarmFixture.RunOkAsync(seed, "add", "-Q", file);
        var total = (await swarm.ApiAsync(seed, "repo/stat")).GetProperty("NumObjects").GetInt64();
        var fetcher = await swarm.InitAsync("fetcher");
        var first = await swarm.StartAsync(fetcher);
        await swarm.WaitForProvidersAsync(fetcher, cid, 1);

        var interrupted = CliRunner.RunAsync(fetcher, "get", cid, "-o", Path.Combine(swarm.Root, "partial.bin"));
        await swarm.WaitUntilAsync(async () => (await swarm.ApiAsync(fetcher, "bitswap/stat")).GetProperty("BlocksReceived").GetInt64() >= total / 4,
            () => first.Output);
        await first.KillAsync(swarm.Ct);
        Assert.NotEqual(0, (await interrupted).ExitCode);

        await swarm.StartAsync(fetcher);
        var held = (await swarm.ApiAsync(fetcher, "repo/stat")).GetProperty("NumObjects").GetInt64();
        Assert.InRange(held, 1, total - 1);
        var output = Path.Combine(swarm.Root, "out.bin");
        var result = await CliRunner.RunAsync(fetcher, "get", cid, "-o", output);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(sha, SwarmFixture.Sha(output));
        var stat = await swarm.ApiAsync(fetcher, "bitswap/stat");
        var received = stat.GetProperty("BlocksReceived").GetInt64();
        var requested = stat.GetProperty("BlocksRequested").GetInt64();
        // Nothing the repo held at restart is asked for again. (Exact equality with total - held was seen to miss by
        // a few blocks once in four runs: blocks the killed daemon was writing at the kill are counted differently
        // by the scan behind repo/stat and by the store's lookups; the bound is what the issue asks.)
        Assert.True(received >= 1 && received <= total - held, $"total {total}, held {held}, received {received}: {stat}");
        Assert.True(requested <= total - held, $"total {total}, held {held}, requested {requested}: {stat}");
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task Get_EightFetchersAtOnceFromOneSeed_AllFinishCorrect()
    {
        await using var swarm = new SwarmFixture(TimeSpan.FromMinutes(4));
        var (file, sha) = swarm.WriteFile("data.bin", 8, seed: 4);
        var seed = await swarm.InitAsync("seed");
        await swarm.StartAsync(seed);
        var cid = await SwarmFixture.RunOkAsync(seed, "add", "-Q", file);
        var fetchers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var repo = await swarm.InitAsync($"fetcher{i}");
            await swarm.StartAsync(repo);
            fetchers.Add(repo);
        }
        foreach (var repo in fetchers)
            await swarm.WaitForProvidersAsync(repo, cid, 1);

        var results = await Task.WhenAll(fetchers.Select((repo, i) =>
            CliRunner.RunAsync(repo, "get", cid, "-o", Path.Combine(swarm.Root, $"out{i}.bin"))));

        for (var i = 0; i < fetchers.Count; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].Stderr);
            Assert.Equal(sha, SwarmFixture.Sha(Path.Combine(swarm.Root, $"out{i}.bin")));
        }
    }
}
