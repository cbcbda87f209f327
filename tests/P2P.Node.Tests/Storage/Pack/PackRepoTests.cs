using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

/// <summary>The repo with its default pack store: layout detection, stat, verify, gc with compaction.</summary>
public class PackRepoTests
{
    [Fact]
    public void Init_DefaultIsPack_FlatFsStillSelectable()
    {
        using var dir = new TempDirectory();
        using (var pack = Repo.Init(dir.Join("a")))
            Assert.IsType<PackBlockStore>(pack.Blocks);
        using (var flat = Repo.Init(dir.Join("b"), new RepoConfig { BlockStore = RepoConfig.FlatFsBlockStore }))
            Assert.IsType<FlatFsBlockStore>(flat.Blocks);

        Assert.Equal("pack", Repo.DetectBlockStore(dir.Join("a/blocks")));
        Assert.Equal("flatfs", Repo.DetectBlockStore(dir.Join("b/blocks")));
        using var reopened = Repo.Open(dir.Join("b"));
        Assert.IsType<FlatFsBlockStore>(reopened.Blocks);
    }

    [Fact]
    public void Open_ExistingLayoutWinsOverConfig()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        var block = TestBlocks.Raw(1);
        using (var repo = Repo.Init(path, new RepoConfig { BlockStore = RepoConfig.FlatFsBlockStore }))
        {
            repo.Blocks.Put(block.Cid, block.Data);
            repo.SaveConfig(new RepoConfig { BlockStore = RepoConfig.PackBlockStore });
        }

        using var reopened = Repo.Open(path);

        Assert.IsType<FlatFsBlockStore>(reopened.Blocks);
        Assert.Equal(block.Data, reopened.Blocks.Get(block.Cid));
    }

    [Fact]
    public void Config_UnknownBlockStore_Rejected()
    {
        var errors = new RepoConfig { BlockStore = "lsm" }.Validate();

        Assert.Contains(errors, e => e.StartsWith("blockStore", StringComparison.Ordinal));
    }

    [Fact]
    public void StatVerifyGc_WorkOnPack()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var leaf = TestBlocks.Raw(1, 100);
        var root = TestBlocks.Node(2, leaf.Cid);
        var garbage = TestBlocks.Raw(3, 300);
        foreach (var (cid, data) in new[] { leaf, root, garbage })
            repo.Blocks.Put(cid, data);
        repo.Pins.Add(root.Cid, PinKind.Recursive);

        var stat = repo.Stat();
        Assert.Equal(3, stat.BlockCount);
        Assert.Equal(100 + root.Data.Length + 300, stat.TotalBytes);
        Assert.True(repo.Verify().IsHealthy);

        var gc = repo.CollectGarbage(TestBlocks.Decoder);

        Assert.Equal([garbage.Cid], gc.Removed);
        Assert.Equal(300, gc.BytesFreed);
        Assert.False(repo.Blocks.Has(garbage.Cid));
        Assert.Equal(leaf.Data, repo.Blocks.Get(leaf.Cid));
        var pack = (PackBlockStore)repo.Blocks;
        Assert.Equal(2, pack.Count);
        // The garbage share was over the threshold, so the segment was rewritten without it.
        Assert.True(pack.Stat().FileBytes < 300);
        Assert.Equal(2, repo.Verify().Checked);
    }
}
