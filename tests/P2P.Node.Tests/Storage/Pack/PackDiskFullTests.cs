using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

/// <summary>
/// A full disk must not wedge a pack repo (issue 11, item 4): gc deletes without needing room for tombstones,
/// cuts dead tails and drops dead segments before it copies anything, and when it cannot move a segment it says
/// how many bytes it needs instead of throwing. The disk is simulated by the store's capacity seam.
/// </summary>
public class PackDiskFullTests
{
    [Fact]
    public void Gc_AfterAddFailedOnFullDisk_FreesSpaceSoASmallAddWorks()
    {
        using var dir = new TempDirectory();
        using var repo = Repo.Init(dir.Join("repo"));
        var pack = (PackBlockStore)repo.Blocks;
        var leaves = Enumerable.Range(0, 8).Select(i => TestBlocks.Raw(i, 4000)).ToList();
        var root = TestBlocks.Node(100, leaves.Select(l => l.Cid).ToArray());
        foreach (var (cid, data) in leaves.Append(root))
            repo.Blocks.Put(cid, data);
        repo.Pins.Add(root.Cid, PinKind.Recursive);
        pack.CapacityLimitForTests = pack.Stat().FileBytes + 60_000;
        // An add that runs out of space midway: its blocks stay behind, unpinned.
        var failed = 0;
        for (var i = 0; i < 100 && failed == 0; i++)
        {
            var (cid, data) = TestBlocks.Raw(1000 + i, 7000);
            try
            {
                repo.Blocks.Put(cid, data);
            }
            catch (IOException e) when (e.Message.Contains("disk is full", StringComparison.Ordinal))
            {
                failed++;
            }
        }
        Assert.Equal(1, failed);
        var small = TestBlocks.Raw(5000, 7000); // as large as the block that did not fit
        Assert.Throws<IOException>(() => repo.Blocks.Put(small.Cid, small.Data));

        var gc = repo.CollectGarbage(TestBlocks.Decoder);

        Assert.True(gc.Removed.Count >= 8);
        Assert.Null(gc.Shortfall);
        Assert.False(gc.FoundDamage);
        repo.Blocks.Put(small.Cid, small.Data);
        Assert.Equal(small.Data, repo.Blocks.Get(small.Cid));
        foreach (var (cid, data) in leaves)
            Assert.Equal(data, repo.Blocks.Get(cid));
        Assert.True(repo.Verify(TestBlocks.Decoder).IsHealthy);
    }

    [Fact]
    public void Compact_NoRoomToMoveLiveRecords_ReportsBytesNeededAndLosesNothing()
    {
        using var dir = new TempDirectory();
        using var store = new PackBlockStore(dir.Path, SyncPolicy.Batch);
        var garbage = Enumerable.Range(0, 10).Select(i => TestBlocks.Raw(i, 2000)).ToList();
        var live = Enumerable.Range(100, 8).Select(i => TestBlocks.Raw(i, 2000)).ToList();
        foreach (var (cid, data) in garbage.Concat(live))
            store.Put(cid, data);
        store.CapacityLimitForTests = store.Stat().FileBytes + 100;
        foreach (var (cid, _) in garbage)
            Assert.True(store.Delete(cid)); // most tombstones do not fit; the deletes succeed all the same

        var result = store.Compact();

        Assert.NotNull(result.Shortfall);
        var liveBytes = live.Sum(b => PackRecord.Size(b.Cid.Multihash.Length, b.Data.Length));
        Assert.Contains($"needs {liveBytes} bytes free", result.Shortfall, StringComparison.Ordinal);
        Assert.Equal(0, result.SegmentsRewritten);
        foreach (var (cid, data) in live)
            Assert.Equal(data, store.Get(cid));
        foreach (var (cid, _) in garbage)
            Assert.False(store.Has(cid));
        // With room, the same compaction goes through.
        store.CapacityLimitForTests = null;
        Assert.Equal(1, store.Compact().SegmentsRewritten);
        foreach (var (cid, data) in live)
            Assert.Equal(data, store.Get(cid));
    }

    [Fact]
    public void Compact_DeadTailAndDeadSegments_FreedWithoutCopying()
    {
        using var dir = new TempDirectory();
        using var store = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 8192);
        var keep = Enumerable.Range(0, 3).Select(i => TestBlocks.Raw(i, 1500)).ToList();
        var drop = Enumerable.Range(10, 12).Select(i => TestBlocks.Raw(i, 1500)).ToList();
        foreach (var (cid, data) in keep.Concat(drop))
            store.Put(cid, data);
        var before = store.Stat().FileBytes;
        store.CapacityLimitForTests = before; // not one byte more
        foreach (var (cid, _) in drop)
            store.Delete(cid);

        var result = store.Compact();

        Assert.Null(result.Shortfall);
        Assert.Equal(0, result.BytesCopied);
        Assert.Equal(keep.Sum(b => PackRecord.Size(b.Cid.Multihash.Length, b.Data.Length)), store.Stat().FileBytes);
        Assert.Single(Directory.GetFiles(dir.Path, "pack-*.dat"), f => new FileInfo(f).Length > 0);
        foreach (var (cid, data) in keep)
            Assert.Equal(data, store.Get(cid));
        store.AbandonForTests();
        using var rebuilt = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 8192);
        Assert.Equal(3, rebuilt.Count);
        Assert.All(drop, b => Assert.False(rebuilt.Has(b.Cid)));
    }
}
