using System.Security.Cryptography;

namespace P2P.Cli.Tests;

/// <summary>
/// Issue 14: `block put` checks the codec it is told (bytes put as dag-pb must decode as dag-pb; unknown codecs and
/// codecs p2p cannot walk are refused with exit 2, nothing stored), and re-adding a file whose block is damaged on
/// disk repairs it, in either block store, offline and through a daemon. Before the fix `block put --cid-codec
/// dag-pb` stored any bytes (after which cat/ls/pin failed while verify said healthy) and a re-add printed `added`
/// over the damage, leaving it.
/// </summary>
public sealed class BlockPutAndRepairCommandTests : ProcessTestBase
{
    public BlockPutAndRepairCommandTests()
        : base(TimeSpan.FromMinutes(4))
    {
    }

    [Fact]
    public async Task BlockPut_CodecChecked_RefusalsStoreNothing_SameOnBothPaths()
    {
        var notDagPb = new byte[] { 0x01, 0x02, 0x03 };
        // PBNode{Data: ""}: the smallest valid dag-pb block.
        var dagPb = new byte[] { 0x0a, 0x00 };

        async Task<CliResult[]> Scenario(string repo) =>
        [
            await CliRunner.RunWithInputAsync(repo, notDagPb, "block", "put", "--cid-codec", "dag-pb"),
            await CliRunner.RunWithInputAsync(repo, notDagPb, "block", "put", "--cid-codec", "dag-cbor"),
            await CliRunner.RunWithInputAsync(repo, notDagPb, "block", "put", "--cid-codec", "no-such-codec"),
            await CliRunner.RunWithInputAsync(repo, notDagPb, "block", "put", "--mhlen", "20"),
            await CliRunner.RunWithInputAsync(repo, dagPb, "block", "put", "--format", "v0"),
            await CliRunner.RunWithInputAsync(repo, notDagPb, "block", "put", "--cid-codec", "raw"),
            await CliRunner.RunAsync(repo, "repo", "stat"),
        ];

        var offlineRepo = await InitAsync("offline");
        var offline = await Scenario(offlineRepo);
        var daemonRepo = await InitAsync("daemon");
        CliResult[] online;
        await using (var daemon = await DaemonProcess.StartAsync(daemonRepo, Ct))
        {
            online = await Scenario(daemonRepo);
            Assert.Equal(0, await daemon.StopAsync(Ct));
        }

        for (var i = 0; i < 6; i++)
        {
            Assert.True(offline[i].ExitCode == online[i].ExitCode, $"command {i}: {offline[i].Stderr} / {online[i].Stderr}");
            Assert.Equal(offline[i].Stdout, online[i].Stdout);
            Assert.Equal(offline[i].Stderr, online[i].Stderr);
        }
        Assert.Equal([2, 2, 2, 2, 0, 0], offline.Take(6).Select(r => r.ExitCode).ToArray());
        Assert.All(offline.Take(4), r => Assert.Single(r.StderrLines));
        Assert.Contains("not a valid dag-pb block", offline[0].Stderr, StringComparison.Ordinal);
        Assert.Contains("dag-cbor", offline[1].Stderr, StringComparison.Ordinal);
        Assert.Contains("no-such-codec", offline[2].Stderr, StringComparison.Ordinal);
        // kubo's CIDv0 of PBNode{Data: ""}, and the raw block of the bytes dag-pb refused.
        Assert.Equal("QmPRmYXoB2SaqFXkCeoX7ebPZG2ZuFoHCB9zHjaxCPFL3u\n", offline[4].Stdout);
        Assert.StartsWith("bafkrei", offline[5].Stdout, StringComparison.Ordinal);
        // Only the two accepted blocks were stored, both ways.
        Assert.StartsWith("NumObjects: 2\n", offline[6].Stdout, StringComparison.Ordinal);
        Assert.StartsWith("NumObjects: 2\n", online[6].Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pack", false)]
    [InlineData("flatfs", false)]
    [InlineData("pack", true)]
    [InlineData("flatfs", true)]
    public async Task ReAdd_OverADamagedBlock_RepairsIt(string blockStore, bool throughDaemon)
    {
        var repo = await InitAsync("repo", blockStore);
        var data = new byte[600_000];
        new Random(14).NextBytes(data);
        var file = Dir.Combine("file.bin");
        await File.WriteAllBytesAsync(file, data);
        var cid = (await SwarmFixture.RunOkAsync(repo, "add", "-Q", file)).Trim();
        Damage(repo, data.AsSpan(262_144, 64).ToArray());
        var broken = await CliRunner.RunAsync(repo, "repo", "verify");
        Assert.True(broken.ExitCode == 5, $"the damage was not seen: {broken.ExitCode} {broken.Stdout}{broken.Stderr}");

        DaemonProcess? daemon = throughDaemon ? await DaemonProcess.StartAsync(repo, Ct) : null;
        try
        {
            var readd = await CliRunner.RunAsync(repo, "add", "-Q", file);
            var verify = await CliRunner.RunAsync(repo, "repo", "verify");
            var cat = await CliRunner.RunAsync(repo, "cat", cid);

            Assert.True(readd.ExitCode == 0, readd.Stderr);
            Assert.Equal(cid, readd.Stdout.Trim());
            Assert.True(verify.ExitCode == 0, $"verify exited {verify.ExitCode}: {verify.Stdout}{verify.Stderr}");
            Assert.True(cat.ExitCode == 0, cat.Stderr);
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(cat.StdoutBytes));
        }
        finally
        {
            if (daemon is not null)
            {
                Assert.Equal(0, await daemon.StopAsync(Ct));
                await daemon.DisposeAsync();
            }
        }
        var afterClose = await CliRunner.RunAsync(repo, "repo", "verify");
        Assert.True(afterClose.ExitCode == 0, $"verify after close exited {afterClose.ExitCode}: {afterClose.Stdout}{afterClose.Stderr}");
    }

    /// <summary>Flips bytes of the second leaf where they sit: its own file (flatfs) or its span in a segment (pack).</summary>
    private static void Damage(string repo, byte[] leafStart)
    {
        var found = 0;
        foreach (var path in Directory.EnumerateFiles(Path.Combine(repo, "blocks"), "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".data", StringComparison.Ordinal) || f.EndsWith(".dat", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(path);
            var at = bytes.AsSpan().IndexOf(leafStart);
            if (at < 0)
                continue;
            for (var i = 0; i < 8; i++)
                bytes[at + i] ^= 0xff;
            File.WriteAllBytes(path, bytes);
            found++;
        }
        Assert.Equal(1, found);
    }

    private async Task<string> InitAsync(string name, string blockStore = "pack")
    {
        var repo = Dir.Combine(name);
        var r = await CliRunner.RunAsync(repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        if (blockStore != "pack")
        {
            var configPath = Path.Combine(repo, "config.json");
            var config = File.ReadAllText(configPath);
            File.WriteAllText(configPath, config.Replace("\"blockStore\": \"pack\"", $"\"blockStore\": \"{blockStore}\"", StringComparison.Ordinal));
            var blocks = Path.Combine(repo, "blocks");
            Directory.Delete(blocks, recursive: true);
            Directory.CreateDirectory(blocks);
        }
        return repo;
    }
}
