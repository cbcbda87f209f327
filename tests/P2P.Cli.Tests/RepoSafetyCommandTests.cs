using System.Text.Json;

namespace P2P.Cli.Tests;

/// <summary>
/// Issue 11 items 8-10 as a user meets them: a replaced identity key, a lost pin file and `repo stat`'s size,
/// through real `p2p` processes and exit codes.
/// </summary>
public sealed class RepoSafetyCommandTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _repo;

    public RepoSafetyCommandTests()
    {
        _repo = _dir.Combine("repo");
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Creates the repo and returns its PeerId.</summary>
    private async Task<string> InitAsync()
    {
        var r = await CliRunner.RunAsync(_repo, "--enc", "json", "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("ID").GetString()!;
    }

    private async Task<string> AddAsync(int seed)
    {
        var bytes = new byte[300_000];
        new Random(seed).NextBytes(bytes);
        var file = _dir.Combine($"file{seed}.bin");
        File.WriteAllBytes(file, bytes);
        var add = await CliRunner.RunAsync(_repo, "add", "-Q", file);
        Assert.True(add.ExitCode == 0, add.Stderr);
        return add.Stdout.Trim();
    }

    [Fact]
    public async Task IdentityKeyReplaced_OpenRefusedWithExit3NamingBothPeerIds()
    {
        var original = await InitAsync();
        var keyPath = Path.Combine(_repo, "identity.key");
        var other = new byte[32];
        new Random(11).NextBytes(other);
        File.WriteAllBytes(keyPath, other);

        var stat = await CliRunner.RunAsync(_repo, "repo", "stat");
        var pins = await CliRunner.RunAsync(_repo, "pin", "ls");

        Assert.Equal(3, stat.ExitCode);
        var line = Assert.Single(stat.StderrLines);
        Assert.Contains(original, line, StringComparison.Ordinal);
        Assert.Matches("is the key of 12D3Koo[1-9A-HJ-NP-Za-km-z]+, but this repo is ", line);
        Assert.Equal(3, pins.ExitCode);
        // The PeerId on record did not move to the new key.
        Assert.Contains(original, File.ReadAllText(Path.Combine(_repo, "config.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentityKeyWrongLength_Exit3OneLine()
    {
        await InitAsync();
        File.WriteAllBytes(Path.Combine(_repo, "identity.key"), new byte[31]);

        var stat = await CliRunner.RunAsync(_repo, "repo", "stat");

        Assert.Equal(3, stat.ExitCode);
        Assert.Contains("is 31 bytes, not the 32", Assert.Single(stat.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigWithoutRecordedPeerId_RecordedAtFirstOpen()
    {
        var original = await InitAsync();
        var configPath = Path.Combine(_repo, "config.json");
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        Assert.True(config.Remove("identity"));
        File.WriteAllText(configPath, config.ToJsonString());

        var stat = await CliRunner.RunAsync(_repo, "repo", "stat");

        Assert.True(stat.ExitCode == 0, stat.Stderr);
        Assert.Contains(original, File.ReadAllText(configPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PinFileDeleted_RecoveredWithWarningAndGcKeepsPinnedFile()
    {
        await InitAsync();
        var cid = await AddAsync(1);
        File.Delete(Path.Combine(_repo, "pins.json"));

        var gc = await CliRunner.RunAsync(_repo, "repo", "gc");
        var ls = await CliRunner.RunAsync(_repo, "pin", "ls");
        var cat = await CliRunner.RunAsync(_repo, "cat", cid);

        Assert.True(gc.ExitCode == 0, gc.Stderr);
        Assert.StartsWith("Warning: pin file ", gc.Stderr, StringComparison.Ordinal);
        Assert.Contains("removed 0 blocks", gc.Stdout, StringComparison.Ordinal);
        Assert.Contains(cid, ls.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, cat.ExitCode);
    }

    [Fact]
    public async Task PinFileAndBackupDeleted_GcRefusedExit5AndVerifyReports()
    {
        await InitAsync();
        var cid = await AddAsync(2);
        File.Delete(Path.Combine(_repo, "pins.json"));
        File.Delete(Path.Combine(_repo, "pins.json.bak"));

        var gc = await CliRunner.RunAsync(_repo, "repo", "gc");
        var verify = await CliRunner.RunAsync(_repo, "repo", "verify");
        var cat = await CliRunner.RunAsync(_repo, "cat", cid);

        Assert.Equal(5, gc.ExitCode);
        Assert.StartsWith("Error: gc refused, nothing removed: pin set lost", Assert.Single(gc.StderrLines), StringComparison.Ordinal);
        Assert.Equal(5, verify.ExitCode);
        Assert.Contains("damaged pins: pin set lost", verify.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, cat.ExitCode);
    }

    [Fact]
    public async Task RepoStat_RepoSizeIsEveryByteOnDiskAndSweepsDeadUpload()
    {
        await InitAsync();
        await AddAsync(3);
        // What a daemon of 2bfb720 left when SIGKILLed mid-upload.
        var leftover = Path.Combine(_repo, "add-0123456789abcdef0123456789abcdef.tmp");
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "part"), new byte[100_000]);

        var stat = await CliRunner.RunAsync(_repo, "--enc", "json", "repo", "stat");

        Assert.True(stat.ExitCode == 0, stat.Stderr);
        var json = JsonDocument.Parse(stat.Stdout).RootElement;
        Assert.False(Directory.Exists(leftover));
        Assert.Equal(0, json.GetProperty("ScratchSize").GetInt64());
        var onDisk = Directory.EnumerateFiles(_repo, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Sum(f => new FileInfo(f).Length);
        Assert.Equal(onDisk, json.GetProperty("RepoSize").GetInt64());
        Assert.True(json.GetProperty("BlockSize").GetInt64() >= 300_000);
    }
}
