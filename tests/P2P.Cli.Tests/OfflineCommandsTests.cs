using System.Security.Cryptography;
using System.Text;

namespace P2P.Cli.Tests;

/// <summary>The offline commands as a user meets them: real processes, real repos, stdout, stderr, exit codes.</summary>
public sealed class OfflineCommandsTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _repo;

    public OfflineCommandsTests()
    {
        _repo = _dir.Combine("repo");
    }

    public void Dispose() => _dir.Dispose();

    private async Task InitAsync()
    {
        var r = await CliRunner.RunAsync(_repo, "init");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    private string WriteFile(string name, byte[] content)
    {
        var path = _dir.Combine(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task AddThenCat_ReturnsSameBytesAndKuboCid()
    {
        await InitAsync();
        var file = WriteFile("hello.txt", Encoding.UTF8.GetBytes("hello world"));
        var add = await CliRunner.RunAsync(_repo, "add", "-q", file);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", add.Stdout.Trim());
        var cat = await CliRunner.RunAsync(_repo, "cat", add.Stdout.Trim());
        Assert.Equal(0, cat.ExitCode);
        Assert.Equal("hello world", cat.Stdout);
    }

    [Fact]
    public async Task Add_PrintsAddedLineLikeKubo()
    {
        await InitAsync();
        var file = WriteFile("hello.txt", Encoding.UTF8.GetBytes("hello world"));
        var add = await CliRunner.RunAsync(_repo, "add", "--cid-version", "0", file);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal("added Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD hello.txt", add.Stdout.Trim());
    }

    [Fact]
    public async Task Get_MultiChunkFile_WritesIdenticalFile()
    {
        await InitAsync();
        var content = RandomBytes(3 * 262144 + 17, seed: 1);
        var file = WriteFile("big.bin", content);
        var cid = (await CliRunner.RunAsync(_repo, "add", "-q", file)).Stdout.Trim();
        var output = _dir.Combine("out.bin");
        var get = await CliRunner.RunAsync(_repo, "get", cid, "-o", output);
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(File.ReadAllBytes(output)));
    }

    [Fact]
    public async Task Cat_OffsetAndLength_ReturnsTheSlice()
    {
        await InitAsync();
        var content = RandomBytes(2 * 262144 + 1000, seed: 2);
        var cid = (await CliRunner.RunAsync(_repo, "add", "-q", WriteFile("f", content))).Stdout.Trim();
        var cat = await CliRunner.RunAsync(_repo, "cat", cid, "--offset", "262000", "--length", "5000");
        Assert.Equal(0, cat.ExitCode);
        Assert.Equal(content.AsSpan(262000, 5000).ToArray(), cat.StdoutBytes);
    }

    [Fact]
    public async Task AddRecursive_ThenLs_ListsEntries()
    {
        await InitAsync();
        var folder = _dir.Combine("folder");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllText(Path.Combine(folder, "a.txt"), "alpha");
        File.WriteAllText(Path.Combine(folder, "sub", "b.txt"), "beta");
        var add = await CliRunner.RunAsync(_repo, "add", "-r", "-q", folder);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var root = add.Stdout.Trim().Split('\n')[^1];
        var ls = await CliRunner.RunAsync(_repo, "ls", root);
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains("a.txt", ls.Stdout);
        Assert.Contains("sub/", ls.Stdout);
        var cat = await CliRunner.RunAsync(_repo, "cat", root + "/sub/b.txt");
        Assert.Equal("beta", cat.Stdout);
    }

    [Fact]
    public async Task Add_MissingFile_OneLineErrorAndNonZeroExit()
    {
        await InitAsync();
        var r = await CliRunner.RunAsync(_repo, "add", _dir.Combine("nope.bin"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains("nope.bin", r.Stderr);
    }

    [Fact]
    public async Task Add_DirectoryWithoutRecursive_Fails()
    {
        await InitAsync();
        Directory.CreateDirectory(_dir.Combine("d"));
        var r = await CliRunner.RunAsync(_repo, "add", _dir.Combine("d"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains("-r", r.Stderr);
    }

    [Fact]
    public async Task Cat_MalformedCid_UsageError()
    {
        await InitAsync();
        var r = await CliRunner.RunAsync(_repo, "cat", "not-a-cid!");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.StderrLines);
    }

    [Fact]
    public async Task Cat_CidNotInRepo_NotFound()
    {
        await InitAsync();
        var r = await CliRunner.RunAsync(_repo, "cat", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        Assert.Equal(4, r.ExitCode);
        Assert.Single(r.StderrLines);
    }

    [Fact]
    public async Task Cat_NoRepo_RepoError()
    {
        var r = await CliRunner.RunAsync(_repo, "cat", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.StderrLines);
        Assert.Contains("init", r.Stderr);
    }

    [Fact]
    public async Task Init_Twice_FailsWithoutTouchingTheRepo()
    {
        await InitAsync();
        var id = File.ReadAllBytes(Path.Combine(_repo, "identity.key"));
        var r = await CliRunner.RunAsync(_repo, "init");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Equal(id, File.ReadAllBytes(Path.Combine(_repo, "identity.key")));
    }

    [Fact]
    public async Task Cat_LockedRepo_RepoError()
    {
        await InitAsync();
        using var held = new FileStream(Path.Combine(_repo, "repo.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var r = await CliRunner.RunAsync(_repo, "repo", "stat");
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.StderrLines);
    }

    [Theory]
    [InlineData("pack")]
    [InlineData("flatfs")]
    public async Task CorruptedBlock_CatFailsUnderHashOnReadAndVerifyNamesIt(string blockStore)
    {
        await InitAsync();
        UseBlockStore(blockStore);
        var content = Encoding.UTF8.GetBytes("hello world");
        var cid = (await CliRunner.RunAsync(_repo, "add", "-q", WriteFile("c.txt", content))).Stdout.Trim();
        // Overwrite the block's bytes where they sit: its own file (flatfs) or its span in a segment (pack).
        var tampered = Encoding.UTF8.GetBytes("tampered!!!");
        var found = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_repo, "blocks"), "*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".data", StringComparison.Ordinal) || f.EndsWith(".dat", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(file);
            var at = bytes.AsSpan().IndexOf(content);
            if (at < 0)
                continue;
            tampered.CopyTo(bytes, at);
            File.WriteAllBytes(file, bytes);
            found++;
        }
        Assert.Equal(1, found);
        // As kubo by default (Datastore.HashOnRead false): a local read trusts the store, `repo verify` checks it.
        var trusting = await CliRunner.RunAsync(_repo, "cat", cid);
        Assert.Equal(0, trusting.ExitCode);
        Assert.Equal(tampered, trusting.StdoutBytes);
        var set = await CliRunner.RunAsync(_repo, "config", "Datastore.HashOnRead", "true", "--bool");
        Assert.True(set.ExitCode == 0, set.Stderr);
        var cat = await CliRunner.RunAsync(_repo, "cat", cid);
        Assert.Equal(5, cat.ExitCode);
        Assert.Single(cat.StderrLines);
        var verify = await CliRunner.RunAsync(_repo, "repo", "verify");
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains(cid, verify.Stdout + verify.Stderr);
    }

    [Theory]
    [InlineData("pack")]
    [InlineData("flatfs")]
    public async Task Get_MissingBlock_LeavesNoOutputFile(string blockStore)
    {
        await InitAsync();
        UseBlockStore(blockStore);
        var content = RandomBytes(3 * 262144, seed: 3);
        var cid = (await CliRunner.RunAsync(_repo, "add", "-q", WriteFile("m.bin", content))).Stdout.Trim();
        // Remove one leaf so the export fails midway (through the store, which works for either layout).
        using (var repo = P2P.Node.Storage.Repo.Open(_repo))
        {
            var leaf = repo.Blocks.EnumerateMultihashes()
                .Select(m => P2P.Node.Multiformats.Cid.V1(P2P.Node.Multiformats.Multicodec.Raw, m))
                .First(c => repo.Blocks.GetSize(c) == 262144);
            Assert.True(repo.Blocks.Delete(leaf));
        }
        var output = _dir.Combine("partial.bin");
        var get = await CliRunner.RunAsync(_repo, "get", cid, "-o", output);
        Assert.Equal(4, get.ExitCode);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_dir.Path), p => Path.GetFileName(p).Contains("partial", StringComparison.Ordinal));
    }

    /// <summary>Re-creates the empty repo's blocks/ with the given layout (init made the default one).</summary>
    private void UseBlockStore(string blockStore)
    {
        var configPath = Path.Combine(_repo, "config.json");
        var config = File.ReadAllText(configPath);
        Assert.Contains("\"blockStore\": \"pack\"", config, StringComparison.Ordinal);
        File.WriteAllText(configPath, config.Replace("\"blockStore\": \"pack\"", $"\"blockStore\": \"{blockStore}\"", StringComparison.Ordinal));
        var blocks = Path.Combine(_repo, "blocks");
        Directory.Delete(blocks, recursive: true);
        Directory.CreateDirectory(blocks);
    }

    [Fact]
    public async Task PinAndGc_KeepPinnedRemoveUnpinned()
    {
        await InitAsync();
        var kept = (await CliRunner.RunAsync(_repo, "add", "-q", WriteFile("k.bin", RandomBytes(300000, 4)))).Stdout.Trim();
        var dropped = (await CliRunner.RunAsync(_repo, "add", "-q", "--pin=false", WriteFile("d.bin", RandomBytes(300000, 5)))).Stdout.Trim();
        var gc = await CliRunner.RunAsync(_repo, "repo", "gc");
        Assert.Equal(0, gc.ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(_repo, "cat", kept)).ExitCode);
        Assert.Equal(4, (await CliRunner.RunAsync(_repo, "cat", dropped)).ExitCode);
        var pins = await CliRunner.RunAsync(_repo, "pin", "ls");
        Assert.Contains(kept, pins.Stdout);
    }

    [Fact]
    public async Task BlockPutThenGet_RoundTrips()
    {
        await InitAsync();
        var data = Encoding.UTF8.GetBytes("raw block");
        var put = await CliRunner.RunWithInputAsync(_repo, data, "block", "put");
        Assert.Equal(0, put.ExitCode);
        var get = await CliRunner.RunAsync(_repo, "block", "get", put.Stdout.Trim());
        Assert.Equal(data, get.StdoutBytes);
        var stat = await CliRunner.RunAsync(_repo, "block", "stat", put.Stdout.Trim());
        Assert.Contains("9", stat.Stdout);
    }
}
