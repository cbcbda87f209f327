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

    [Fact]
    public void Flush_AfterAFailedWrite_ThrowsOnceCutsBackAndTheStoreGoesOn()
    {
        using var dir = new TempDirectory();
        var early = Enumerable.Range(0, 20).Select(i => TestBlocks.Raw(i, 262_144)).ToList();
        var lost = Enumerable.Range(100, 20).Select(i => TestBlocks.Raw(i, 262_144)).ToList();
        var after = TestBlocks.Raw(500, 5000);
        using (var store = new PackBlockStore(dir.Path, SyncPolicy.Batch))
        {
            foreach (var (cid, data) in early)
                store.Put(cid, data);
            store.Flush();
            store.FailWriteForTests = _ => new IOException("No space left on device", Posix.ENOSPC);
            // The failure surfaces at the first Put or Flush after it.
            var error = Assert.Throws<IOException>(() =>
            {
                foreach (var (cid, data) in lost)
                    store.Put(cid, data);
                store.Flush();
            });
            Assert.Contains("the disk is full", error.Message, StringComparison.Ordinal);
            store.FailWriteForTests = null;
            store.Flush(); // reported once
            Assert.All(early, b => Assert.Equal(b.Data, store.Get(b.Cid)));
            Assert.All(lost, b => Assert.False(store.Has(b.Cid)));
            store.Put(after.Cid, after.Data);
            store.Flush();
            Assert.Equal(early.Count + 1, store.Count);
        }
        File.Delete(Path.Join(dir.Path, "index"));
        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.Batch);
        Assert.Empty(reopened.OpenProblems);
        Assert.Equal(early.Count + 1, reopened.Count);
        Assert.Equal(after.Data, reopened.Get(after.Cid));
        Assert.True(PackVerifier.Verify(reopened, CancellationToken.None).IsHealthy);
    }

    [Fact]
    public void Put_SecondBufferWrittenBeforeFirst_RecordSpanningBothPublishedOnceBothAreWritten()
    {
        using var dir = new TempDirectory();
        // 262,144 + 50 bytes per record: a 4 MiB buffer holds 15, and the 16th starts in one buffer and ends in the next.
        var blocks = Enumerable.Range(0, 48).Select(i => TestBlocks.Raw(i, 262_144)).ToList();
        using var firstMayGo = new ManualResetEventSlim();
        using (var store = new PackBlockStore(dir.Path, SyncPolicy.None))
        {
            // Two writer threads: one holds buffer 1 until the other has written buffer 2 and taken buffer 3.
            store.FailWriteForTests = sequence =>
            {
                if (sequence == 1)
                    firstMayGo.Wait(TimeSpan.FromSeconds(30));
                if (sequence == 3)
                    firstMayGo.Set();
                return null;
            };
            foreach (var (cid, data) in blocks)
                store.Put(cid, data);
            store.Flush();
            Assert.True(firstMayGo.IsSet);
            Assert.Equal(blocks.Count, store.Count);
            Assert.All(blocks, b => Assert.Equal(b.Data, store.Get(b.Cid)));
        }
        File.Delete(Path.Join(dir.Path, "index"));
        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.None);
        Assert.Equal(blocks.Count, reopened.Count);
        Assert.All(blocks, b => Assert.Equal(b.Data, reopened.Get(b.Cid)));
    }
}
