using System.Runtime.Versioning;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

public class RepoTests
{
    [Fact]
    public void Init_CreatesLayout()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        using (Repo.Init(path))
        {
        }

        foreach (var name in new[] { "config.json", "identity.key", "version", "repo.lock" })
            Assert.True(File.Exists(Path.Join(path, name)), name);
        Assert.True(Directory.Exists(Path.Join(path, "blocks")));
        Assert.Equal("1", File.ReadAllText(Path.Join(path, "version")).Trim());
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Init_IdentityKeyIsOwnerOnly32Bytes()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));

        var keyPath = Path.Join(repo.RootPath, "identity.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        var key = repo.ReadIdentityKey();
        Assert.Equal(32, key.Length);
        Assert.Contains(key, b => b != 0);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void ReadIdentityKey_GroupReadable_Refused()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var keyPath = Path.Join(repo.RootPath, "identity.key");
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var error = Assert.Throws<RepoException>(repo.ReadIdentityKey);

        Assert.Equal(RepoErrorReason.InvalidIdentity, error.Reason);
        Assert.Contains("chmod 600", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadIdentityKey_WrongSize_Refused()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        using (var f = new FileStream(Path.Join(repo.RootPath, "identity.key"), FileMode.Append))
            f.WriteByte(1);

        Assert.Equal(RepoErrorReason.InvalidIdentity, Assert.Throws<RepoException>(repo.ReadIdentityKey).Reason);
    }

    [Fact]
    public void Init_OverExistingRepo_FailsAndKeepsIt()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        byte[] key;
        using (var repo = Repo.Init(path))
            key = repo.ReadIdentityKey();

        var error = Assert.Throws<RepoException>(() => Repo.Init(path));

        Assert.Equal(RepoErrorReason.AlreadyExists, error.Reason);
        using var reopened = Repo.Open(path);
        Assert.Equal(key, reopened.ReadIdentityKey());
    }

    [Fact]
    public void Init_NonEmptyDirectory_Refused()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Join("precious.txt"), "keep me");

        Assert.Equal(RepoErrorReason.AlreadyExists, Assert.Throws<RepoException>(() => Repo.Init(dir.Path)).Reason);
        Assert.Equal("keep me", File.ReadAllText(dir.Join("precious.txt")));
    }

    [Fact]
    public void Open_Absent_SaysRunInit()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("nothing");

        var error = Assert.Throws<RepoException>(() => Repo.Open(path));

        Assert.Equal(RepoErrorReason.NotFound, error.Reason);
        Assert.Equal($"no p2p repo at {path}: run `p2p init`", error.Message);
    }

    [Fact]
    public void Open_WhileOpen_FailsWithInUseMessage()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        using var first = Repo.Init(path);

        var error = Assert.Throws<RepoException>(() => Repo.Open(path));

        Assert.Equal(RepoErrorReason.Locked, error.Reason);
        Assert.Equal($"repo {path} is in use by another p2p process (a running daemon?)", error.Message);
    }

    [Fact]
    public void Open_AfterDispose_Succeeds()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        Repo.Init(path).Dispose();

        using var repo = Repo.Open(path);

        Assert.Equal(path, repo.RootPath);
    }

    [Fact]
    public void Open_NewerVersion_Refused()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        Repo.Init(path).Dispose();
        File.WriteAllText(Path.Join(path, "version"), "9\n");

        Assert.Equal(RepoErrorReason.UnsupportedVersion, Assert.Throws<RepoException>(() => Repo.Open(path)).Reason);
    }

    [Fact]
    public void Open_RemovesTempFilesOfCrashedWrites()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        Repo.Init(path, new RepoConfig { BlockStore = RepoConfig.FlatFsBlockStore }).Dispose();
        // What a crash mid-put leaves (flatfs): the dirty marker and a temp file beside its block.
        File.WriteAllText(Path.Join(path, "blocks", ".dirty"), "");
        Directory.CreateDirectory(Path.Join(path, "blocks", "YZ"));
        var blockTemp = Path.Join(path, "blocks", "YZ", "CIQXYZA.3.tmp");
        var pinTemp = Path.Join(path, "pins.json.0123.tmp");
        File.WriteAllText(blockTemp, "partial");
        File.WriteAllText(pinTemp, "{\"version\":1,\"pi");

        using var repo = Repo.Open(path);

        Assert.False(File.Exists(blockTemp));
        Assert.False(File.Exists(pinTemp));
    }

    [Fact]
    public void Open_MalformedConfig_OneLineErrorNamingFile()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        Repo.Init(path).Dispose();
        var configPath = Path.Join(path, "config.json");
        var good = File.ReadAllText(configPath);
        File.WriteAllText(configPath, "{ \"listen\": ");

        var error = Assert.Throws<RepoException>(() => Repo.Open(path));

        Assert.Equal(RepoErrorReason.InvalidConfig, error.Reason);
        Assert.Contains(configPath, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        // The failed open released the lock: once the file is fixed the repo opens.
        File.WriteAllText(configPath, good);
        Repo.Open(path).Dispose();
    }

    [Fact]
    public void ResolvePath_ExplicitWins()
    {
        using var dir = new TempDirectory();
        Assert.Equal(dir.Path, Repo.ResolvePath(dir.Path));
        Assert.EndsWith(".p2p", Repo.ResolvePath(null).TrimEnd('/'), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CorruptedAndUnreadableFiles_Named()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"), new RepoConfig { BlockStore = RepoConfig.FlatFsBlockStore });
        var good = TestBlocks.Raw(1);
        var bad = TestBlocks.Raw(2);
        repo.Blocks.Put(good.Cid, good.Data);
        repo.Blocks.Put(bad.Cid, bad.Data);
        var badPath = ((FlatFsBlockStore)repo.Blocks).PathOf(bad.Cid.Multihash);
        var flipped = File.ReadAllBytes(badPath);
        flipped[10] ^= 1;
        File.WriteAllBytes(badPath, flipped);
        var stray = Path.Join(Path.GetDirectoryName(badPath)!, "NOTAKEY.data");
        File.WriteAllText(stray, "?");

        var result = repo.Verify();

        Assert.Equal(2, result.Checked);
        Assert.Equal([bad.Cid], result.Corrupted);
        Assert.Equal(stray, Assert.Single(result.Unreadable).Path);
        Assert.False(result.IsHealthy);
    }

    [Fact]
    public void Stat_CountsBlocksBytesAndPins()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var a = TestBlocks.Raw(1, 100);
        var b = TestBlocks.Raw(2, 300);
        repo.Blocks.Put(a.Cid, a.Data);
        repo.Blocks.Put(b.Cid, b.Data);
        repo.Pins.Add(a.Cid, PinKind.Direct);

        var stat = repo.Stat();

        // Disk and scratch bytes have their own tests (RepoScratchTests); here the block and pin counts.
        Assert.Equal(new RepoStat(repo.RootPath, 1, 2, 400, 1, SyncPolicy.Batch), stat with { DiskBytes = 0, ScratchBytes = 0 });
    }

    [Fact]
    public void CollectGarbage_KeepsPinnedDagRemovesRest()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var leaf1 = TestBlocks.Raw(1);
        var leaf2 = TestBlocks.Raw(2);
        var inner = TestBlocks.Node(3, leaf1.Cid);
        var root = TestBlocks.Node(4, inner.Cid, leaf2.Cid);
        var directOnly = TestBlocks.Node(5, TestBlocks.Raw(6).Cid);
        var garbage = TestBlocks.Raw(7);
        foreach (var (cid, data) in new[] { leaf1, leaf2, inner, root, directOnly, garbage, TestBlocks.Raw(6) })
            repo.Blocks.Put(cid, data);
        repo.Pins.Add(root.Cid, PinKind.Recursive);
        repo.Pins.Add(directOnly.Cid, PinKind.Direct);

        var result = repo.CollectGarbage(TestBlocks.Decoder);

        Assert.Equal(
            new[] { garbage.Cid, TestBlocks.Raw(6).Cid }.Order().ToList(),
            result.Removed.Order().ToList());
        Assert.Equal(5, result.Kept);
        foreach (var cid in new[] { leaf1.Cid, leaf2.Cid, inner.Cid, root.Cid, directOnly.Cid })
            Assert.True(repo.Blocks.Has(cid));
        Assert.Equal(2, repo.Pins.Count);
    }

    [Fact]
    public void CollectGarbage_MissingBlockUnderPin_RemovesNothing()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var leaf = TestBlocks.Raw(1);
        var missing = TestBlocks.Node(2, leaf.Cid);
        var root = TestBlocks.Node(3, missing.Cid);
        var garbage = TestBlocks.Raw(4);
        repo.Blocks.Put(leaf.Cid, leaf.Data);
        repo.Blocks.Put(root.Cid, root.Data);
        repo.Blocks.Put(garbage.Cid, garbage.Data);
        repo.Pins.Add(root.Cid, PinKind.Recursive);

        var error = Assert.Throws<RepoException>(() => repo.CollectGarbage(TestBlocks.Decoder));

        Assert.Contains(missing.Cid.ToString(), error.Message, StringComparison.Ordinal);
        Assert.True(repo.Blocks.Has(garbage.Cid));
        Assert.True(repo.Blocks.Has(leaf.Cid));
    }
}
