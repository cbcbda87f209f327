using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

/// <summary>The staged write path: records larger than a page, buffers that fill, segments that roll, pending reads.</summary>
public class PackStagingTests
{
    [Theory]
    [InlineData(SyncPolicy.None)]
    [InlineData(SyncPolicy.Batch)]
    public void Put_ManyBlocksAcrossStagesAndSegments_ReadableBeforeAndAfterFlushAndRescan(SyncPolicy policy)
    {
        using var dir = new TempDirectory();
        // Odd sizes so records straddle page and buffer boundaries; 70 blocks of ~256 KiB fill several buffers
        // and, with 6 MiB segments, roll three times.
        var blocks = Enumerable.Range(0, 70).Select(i => TestBlocks.Raw(i, 262_144 - 1000 + i * 37)).ToList();
        const long segmentSize = 6L << 20;
        using (var store = new PackBlockStore(dir.Path, policy, segmentSize))
        {
            foreach (var (cid, data) in blocks)
            {
                store.Put(cid, data);
                Assert.Equal(data, store.Get(cid));
                Assert.Equal(data.Length, store.GetSize(cid));
            }
            Assert.Equal(blocks.Count, store.Count);
            store.Flush();
            foreach (var (cid, data) in blocks)
                Assert.Equal(data, store.Get(cid));
            Assert.Equal(store.Stat().FileBytes, Directory.GetFiles(dir.Path, "pack-*.dat").Sum(f => new FileInfo(f).Length));
            Assert.True(Directory.GetFiles(dir.Path, "pack-*.dat").Length >= 3);
        }
        File.Delete(Path.Join(dir.Path, "index"));
        using var reopened = new PackBlockStore(dir.Path, policy, segmentSize);
        Assert.Empty(reopened.OpenProblems);
        Assert.Equal(blocks.Count, reopened.Count);
        foreach (var (cid, data) in blocks)
            Assert.Equal(data, reopened.Get(cid));
        Assert.True(PackVerifier.Verify(reopened, CancellationToken.None).IsHealthy);
    }

    [Fact]
    public void Put_BlockOfMaximumSize_StoredBetweenSmallOnes()
    {
        using var dir = new TempDirectory();
        var small = TestBlocks.Raw(1, 5000);
        var big = TestBlocks.Raw(2, PackBlockStore.MaxBlockSize);
        var after = TestBlocks.Raw(3, 7000);
        using (var store = new PackBlockStore(dir.Path, SyncPolicy.Batch))
        {
            store.Put(small.Cid, small.Data);
            store.Put(big.Cid, big.Data);
            store.Put(after.Cid, after.Data);
            Assert.Equal(big.Data, store.Get(big.Cid));
        }
        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.Batch);
        Assert.Equal(small.Data, reopened.Get(small.Cid));
        Assert.Equal(big.Data, reopened.Get(big.Cid));
        Assert.Equal(after.Data, reopened.Get(after.Cid));
    }

    [Fact]
    public void Crash_AfterFlushThenMorePuts_FlushedBlocksSurviveWithoutPaddingProblems()
    {
        using var dir = new TempDirectory();
        var first = Enumerable.Range(0, 20).Select(i => TestBlocks.Raw(i, 100_000 + i)).ToList();
        var store = new PackBlockStore(dir.Path, SyncPolicy.None);
        foreach (var (cid, data) in first)
            store.Put(cid, data);
        store.Flush();
        var later = TestBlocks.Raw(99, 3333);
        store.Put(later.Cid, later.Data);
        store.AbandonForTests();

        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.None);
        Assert.Empty(reopened.OpenProblems);
        foreach (var (cid, data) in first)
            Assert.Equal(data, reopened.Get(cid));
        Assert.Equal(later.Data, reopened.Get(later.Cid));
    }
}
