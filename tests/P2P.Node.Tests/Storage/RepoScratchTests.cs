using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

/// <summary>Issue 11 item 8: what a dead upload leaves is removed by the next open, and `repo stat` shows it until then.</summary>
public class RepoScratchTests
{
    [Theory]
    [InlineData(RepoConfig.PackBlockStore)]
    [InlineData(RepoConfig.FlatFsBlockStore)]
    public void Open_AfterDeadUpload_SweepsScratchAndKeepsData(string blockStore)
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        var kept = TestBlocks.Raw(1, 1000);
        string current, legacy;
        using (var repo = Repo.Init(path, new RepoConfig { BlockStore = blockStore }))
        {
            repo.Blocks.Put(kept.Cid, kept.Data);
            repo.Pins.Add(kept.Cid, PinKind.Direct);
            // A daemon SIGKILLed while saving two multipart adds: one in scratch/, one where 2bfb720 put them.
            current = repo.NewScratchPath("add");
            WriteUpload(current, 3000);
            legacy = Path.Join(path, $"add-{Guid.NewGuid():N}.tmp");
            WriteUpload(legacy, 5000);
        }

        using var reopened = Repo.Open(path);

        Assert.False(Directory.Exists(current));
        Assert.False(Directory.Exists(legacy));
        Assert.Equal((2, 8000L), reopened.Swept);
        Assert.Equal(kept.Data, reopened.Blocks.Get(kept.Cid));
        Assert.True(reopened.Pins.IsPinned(kept.Cid));
        Assert.Equal(0, reopened.Stat().ScratchBytes);
    }

    [Fact]
    public void Stat_UploadInProgress_CountedAsScratchAndInDiskBytes()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var block = TestBlocks.Raw(1, 700);
        repo.Blocks.Put(block.Cid, block.Data);
        repo.Blocks.Flush();
        var before = repo.Stat();
        WriteUpload(repo.NewScratchPath("add"), 4096);
        File.WriteAllBytes(Path.Join(repo.RootPath, "pins.json.0badc0de.tmp"), new byte[10]);

        var stat = repo.Stat();

        Assert.Equal(4096 + 10, stat.ScratchBytes);
        Assert.Equal(before.DiskBytes + 4096 + 10, stat.DiskBytes);
        Assert.Equal(FileBytesUnder(repo.RootPath), stat.DiskBytes);
        Assert.Equal(700, stat.TotalBytes);
        Assert.True(stat.DiskBytes > stat.TotalBytes);
    }

    [Fact]
    public void Open_NothingLeft_SweepsNothing()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        Repo.Init(path).Dispose();

        using var repo = Repo.Open(path);

        Assert.Equal((0, 0L), repo.Swept);
        Assert.True(File.Exists(Path.Join(path, "config.json")));
    }

    /// <summary>A saved multipart add: a directory tree with files of <paramref name="bytes"/> in all.</summary>
    private static void WriteUpload(string directory, int bytes)
    {
        Directory.CreateDirectory(Path.Join(directory, "tree", "sub"));
        File.WriteAllBytes(Path.Join(directory, "tree", "a.bin"), new byte[bytes / 2]);
        File.WriteAllBytes(Path.Join(directory, "tree", "sub", "b.bin"), new byte[bytes - (bytes / 2)]);
    }

    private static long FileBytesUnder(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Sum(f => new FileInfo(f).Length);
}
