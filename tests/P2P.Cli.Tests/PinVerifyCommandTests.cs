using System.Text.Json;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Cli.Tests;

/// <summary>`p2p pin verify` offline and through a daemon: sound repos, deleted and corrupted blocks.</summary>
public sealed class PinVerifyCommandTests : IDisposable
{
    private const int Leaf = 262144;

    private readonly TempDir _dir = new();
    private readonly string _repo;

    public PinVerifyCommandTests()
    {
        _repo = _dir.Combine("repo");
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>A fresh repo with the given block store holding a pinned three-leaf file; returns its CID and bytes.</summary>
    private async Task<(string Cid, byte[] Content)> AddPinnedAsync(string blockStore)
    {
        Assert.Equal(0, (await CliRunner.RunAsync(_repo, "init")).ExitCode);
        var configPath = Path.Combine(_repo, "config.json");
        var config = File.ReadAllText(configPath);
        File.WriteAllText(configPath, config.Replace("\"blockStore\": \"pack\"", $"\"blockStore\": \"{blockStore}\"", StringComparison.Ordinal));
        Directory.Delete(Path.Combine(_repo, "blocks"), recursive: true);
        Directory.CreateDirectory(Path.Combine(_repo, "blocks"));
        var content = new byte[3 * Leaf];
        new Random(7).NextBytes(content);
        var file = _dir.Combine("f.bin");
        File.WriteAllBytes(file, content);
        var add = await CliRunner.RunAsync(_repo, "add", "-Q", file);
        Assert.True(add.ExitCode == 0, add.Stderr);
        return (add.Stdout.Trim(), content);
    }

    /// <summary>The CID of the leaf holding bytes [index * Leaf, (index + 1) * Leaf) of the file.</summary>
    private Cid LeafCid(byte[] content, int index) =>
        Cid.V1(Multicodec.Raw, Multihash.Sha256(content.AsSpan(index * Leaf, Leaf)));

    [Fact]
    public async Task PinVerify_SoundRepo_ExitsZero()
    {
        var (cid, _) = await AddPinnedAsync("pack");

        var quiet = await CliRunner.RunAsync(_repo, "pin", "verify");
        var verbose = await CliRunner.RunAsync(_repo, "pin", "verify", "--verbose");
        var json = await CliRunner.RunAsync(_repo, "--enc", "json", "pin", "verify", "--verbose");

        Assert.True(quiet.ExitCode == 0, quiet.Stderr);
        Assert.Equal("", quiet.Stdout);
        Assert.Equal($"{cid} ok\n", verbose.Stdout);
        using var line = JsonDocument.Parse(json.Stdout);
        Assert.Equal(cid, line.RootElement.GetProperty("Cid").GetString());
        Assert.True(line.RootElement.GetProperty("Ok").GetBoolean());
    }

    [Theory]
    [InlineData("pack")]
    [InlineData("flatfs")]
    public async Task PinVerify_DeletedBlock_IsNamed(string blockStore)
    {
        var (cid, content) = await AddPinnedAsync(blockStore);
        var missing = LeafCid(content, 1);
        using (var repo = Repo.Open(_repo))
            Assert.True(repo.Blocks.Delete(missing));

        var verify = await CliRunner.RunAsync(_repo, "pin", "verify");

        Assert.Equal(5, verify.ExitCode);
        Assert.Equal($"{cid} broken\n  {missing}: block not in the repo\n", verify.Stdout);
        Assert.Single(verify.StderrLines);
    }

    [Theory]
    [InlineData("pack")]
    [InlineData("flatfs")]
    public async Task PinVerify_CorruptedBlock_IsNamed(string blockStore)
    {
        var (cid, content) = await AddPinnedAsync(blockStore);
        // Flip bytes of the third leaf where they sit on disk: its own file (flatfs) or its span in a segment (pack).
        var probe = content.AsSpan(2 * Leaf + 1000, 64).ToArray();
        var found = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_repo, "blocks"), "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            var at = bytes.AsSpan().IndexOf(probe);
            if (at < 0)
                continue;
            bytes[at] ^= 0xff;
            File.WriteAllBytes(file, bytes);
            found++;
        }
        Assert.Equal(1, found);

        var verify = await CliRunner.RunAsync(_repo, "--enc", "json", "pin", "verify");

        Assert.Equal(5, verify.ExitCode);
        using var line = JsonDocument.Parse(verify.Stdout);
        Assert.Equal(cid, line.RootElement.GetProperty("Cid").GetString());
        Assert.False(line.RootElement.GetProperty("Ok").GetBoolean());
        var bad = Assert.Single(line.RootElement.GetProperty("BadNodes").EnumerateArray().ToList());
        Assert.Equal(LeafCid(content, 2).ToString(), bad.GetProperty("Cid").GetString());
        Assert.Contains("corrupted", bad.GetProperty("Err").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinVerify_ThroughDaemon_PrintsWhatOfflinePrints()
    {
        var (_, content) = await AddPinnedAsync("pack");
        using (var repo = Repo.Open(_repo))
            Assert.True(repo.Blocks.Delete(LeafCid(content, 0)));
        var offline = await CliRunner.RunAsync(_repo, "pin", "verify", "--verbose");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var daemon = await DaemonProcess.StartAsync(_repo, timeout.Token);

        var remote = await CliRunner.RunAsync(_repo, "pin", "verify", "--verbose");

        Assert.Equal(5, offline.ExitCode);
        Assert.Equal(5, remote.ExitCode);
        Assert.Equal(offline.Stdout, remote.Stdout);
        Assert.Equal(0, await daemon.StopAsync(timeout.Token));
    }
}
