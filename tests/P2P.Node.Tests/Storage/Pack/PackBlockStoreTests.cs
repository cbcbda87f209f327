using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

public class PackBlockStoreTests
{
    [Theory]
    [InlineData(SyncPolicy.None)]
    [InlineData(SyncPolicy.Batch)]
    [InlineData(SyncPolicy.Always)]
    public void PutGetHasDelete_RoundTrip(SyncPolicy policy)
    {
        using var dir = new TempDirectory();
        using var store = new PackBlockStore(dir.Path, policy);
        var (cid, data) = TestBlocks.Raw(1, 5000);

        Assert.False(store.Has(cid));
        Assert.Null(store.Get(cid));
        store.Put(cid, data);
        store.Put(cid, data);
        store.Flush();

        Assert.True(store.Has(cid));
        Assert.Equal(data, store.Get(cid));
        Assert.Equal(5000, store.GetSize(cid));
        Assert.Equal([cid.Multihash], store.EnumerateMultihashes());
        Assert.True(store.Delete(cid));
        Assert.False(store.Delete(cid));
        Assert.False(store.Has(cid));
        Assert.Equal(-1, store.GetSize(cid));
    }

    [Fact]
    public void Reopen_AfterCleanClose_LoadsSnapshotWithoutScanning()
    {
        using var dir = new TempDirectory();
        var blocks = Enumerable.Range(0, 20).Select(i => TestBlocks.Raw(i, 1000 + i)).ToList();
        using (var store = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 8192))
        {
            foreach (var (cid, data) in blocks)
                store.Put(cid, data);
            store.Delete(blocks[3].Cid);
        }

        Assert.False(File.Exists(Path.Join(dir.Path, ".dirty")));
        Assert.True(File.Exists(Path.Join(dir.Path, "index")));
        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 8192);
        Assert.Empty(reopened.RecoveryNotes);
        Assert.Equal(19, reopened.Count);
        Assert.False(reopened.Has(blocks[3].Cid));
        foreach (var (cid, data) in blocks.Where((_, i) => i != 3))
            Assert.Equal(data, reopened.Get(cid));
        Assert.True(Directory.GetFiles(dir.Path, "pack-*.dat").Length > 1);
    }

    [Fact]
    public void Reopen_AfterCrashWithTornTail_RecoversEveryCompleteRecord()
    {
        using var dir = new TempDirectory();
        var blocks = Enumerable.Range(0, 10).Select(i => TestBlocks.Raw(i, 3000)).ToList();
        var crashed = new PackBlockStore(dir.Path, SyncPolicy.None);
        foreach (var (cid, data) in blocks.Take(9))
            crashed.Put(cid, data);
        crashed.Delete(blocks[0].Cid);
        crashed.Put(blocks[9].Cid, blocks[9].Data);
        var (segmentPath, lastOffset, _) = crashed.Locate(blocks[9].Cid.Multihash)!.Value;
        // No Dispose: the session "crashes". Cut the last record in half, as a torn write would.
        CloseHandles(crashed);
        using (var f = new FileStream(segmentPath, FileMode.Open))
            f.SetLength(lastOffset + 1500);

        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.None);

        Assert.Single(reopened.RecoveryNotes);
        Assert.Equal(lastOffset, new FileInfo(segmentPath).Length);
        Assert.False(reopened.Has(blocks[9].Cid));
        Assert.False(reopened.Has(blocks[0].Cid));
        foreach (var (cid, data) in blocks.Skip(1).Take(8))
            Assert.Equal(data, reopened.Get(cid));
        // The store appends after the cut, and the new record survives a clean reopen.
        reopened.Put(blocks[9].Cid, blocks[9].Data);
        Assert.Equal(blocks[9].Data, reopened.Get(blocks[9].Cid));
    }

    [Fact]
    public void Reopen_AfterCrashWithGarbageAppended_TruncatesIt()
    {
        using var dir = new TempDirectory();
        var blocks = Enumerable.Range(0, 5).Select(i => TestBlocks.Raw(i, 700)).ToList();
        var crashed = new PackBlockStore(dir.Path, SyncPolicy.Batch);
        foreach (var (cid, data) in blocks)
            crashed.Put(cid, data);
        var segmentPath = crashed.Locate(blocks[0].Cid.Multihash)!.Value.Path;
        CloseHandles(crashed);
        var length = new FileInfo(segmentPath).Length;
        var junk = new byte[5000];
        new Random(5).NextBytes(junk);
        using (var f = new FileStream(segmentPath, FileMode.Append))
            f.Write(junk);

        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.Batch);

        Assert.Equal(length, new FileInfo(segmentPath).Length);
        Assert.Equal(5, reopened.Count);
        foreach (var (cid, data) in blocks)
            Assert.Equal(data, reopened.Get(cid));
    }

    [Fact]
    public void Reopen_StaleSnapshot_Rescans()
    {
        using var dir = new TempDirectory();
        var a = TestBlocks.Raw(1);
        var b = TestBlocks.Raw(2);
        using (var store = new PackBlockStore(dir.Path))
            store.Put(a.Cid, a.Data);
        var snapshot = File.ReadAllBytes(Path.Join(dir.Path, "index"));
        using (var store = new PackBlockStore(dir.Path))
            store.Put(b.Cid, b.Data);
        File.WriteAllBytes(Path.Join(dir.Path, "index"), snapshot);

        using var reopened = new PackBlockStore(dir.Path);

        Assert.NotEmpty(reopened.RecoveryNotes);
        Assert.Equal(b.Data, reopened.Get(b.Cid));
        Assert.Equal(a.Data, reopened.Get(a.Cid));
    }

    [Fact]
    public void Open_HostileSegmentAndSnapshot_DoesNotThrow()
    {
        using var dir = new TempDirectory();
        var random = new Random(11);
        for (var i = 0; i < 50; i++)
        {
            var junk = new byte[random.Next(0, 4000)];
            random.NextBytes(junk);
            if (junk.Length >= 16 && i % 2 == 0)
                BitConverter.GetBytes(PackRecord.PutMagic).CopyTo(junk, 0);
            File.WriteAllBytes(Path.Join(dir.Path, "pack-000001.dat"), junk);
            File.WriteAllBytes(Path.Join(dir.Path, "pack-000002.dat"), junk);
            File.WriteAllBytes(Path.Join(dir.Path, "index"), junk);
            using var store = new PackBlockStore(dir.Path);
            Assert.Equal(0, store.Count);
        }
    }

    [Fact]
    public void Verify_CorruptedRecord_NamedAsRawCid()
    {
        using var dir = new TempDirectory();
        var good = TestBlocks.Raw(1);
        var bad = TestBlocks.Node(2, good.Cid);
        using var store = new PackBlockStore(dir.Path);
        store.Put(good.Cid, good.Data);
        store.Put(bad.Cid, bad.Data);
        var (path, _, dataOffset) = store.Locate(bad.Cid.Multihash)!.Value;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            f.Position = dataOffset + 2;
            f.WriteByte(0xff);
        }

        var result = PackVerifier.Verify(store, CancellationToken.None);

        Assert.Equal(2, result.Checked);
        Assert.Equal([Cid.V1(Multicodec.Raw, bad.Cid.Multihash)], result.Corrupted);
        Assert.Empty(result.Unreadable);
    }

    [Fact]
    public void Compact_KeepsLiveBlocksAndFreesSpace()
    {
        using var dir = new TempDirectory();
        var blocks = Enumerable.Range(0, 40).Select(i => TestBlocks.Raw(i, 2000)).ToList();
        using (var store = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 16384))
        {
            foreach (var (cid, data) in blocks)
                store.Put(cid, data);
            var before = store.Stat().FileBytes;
            for (var i = 0; i < blocks.Count; i += 2)
                store.Delete(blocks[i].Cid);

            var result = store.Compact();

            Assert.True(result.SegmentsRewritten > 0);
            Assert.True(result.BytesReclaimed > 0);
            var after = store.Stat();
            Assert.True(after.FileBytes < before * 0.7, $"{after.FileBytes} of {before}");
            Assert.Equal(after.FileBytes, Directory.GetFiles(dir.Path, "pack-*.dat").Sum(f => new FileInfo(f).Length));
            AssertHoldsOdd(store, blocks);
        }
        // Carried-forward tombstones keep deleted blocks deleted after a rebuild from the segments alone.
        File.Delete(Path.Join(dir.Path, "index"));
        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 16384);
        AssertHoldsOdd(reopened, blocks);
    }

    [Fact]
    public void Put_ConcurrentWriters_AllBlocksStored()
    {
        using var dir = new TempDirectory();
        var blocks = Enumerable.Range(0, 400).Select(i => TestBlocks.Raw(i, 1000 + i % 7)).ToList();
        using (var store = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 65536))
        {
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                // Every writer puts every block, so identical concurrent puts race too.
                for (var i = 0; i < blocks.Count; i++)
                    store.Put(blocks[(i + t * 100) % blocks.Count].Cid, blocks[(i + t * 100) % blocks.Count].Data);
            });
            store.Flush();
            Assert.Equal(blocks.Count, store.Count);
        }
        File.Delete(Path.Join(dir.Path, "index"));
        using var reopened = new PackBlockStore(dir.Path, SyncPolicy.Batch, segmentSize: 65536);
        Assert.Equal(blocks.Count, reopened.Count);
        foreach (var (cid, data) in blocks)
            Assert.Equal(data, reopened.Get(cid));
    }

    [Fact]
    public void Open_FlatFsDirectory_Refused()
    {
        using var dir = new TempDirectory();
        using (new FlatFsBlockStore(dir.Path))
        {
        }

        Assert.Throws<InvalidDataException>(() => new PackBlockStore(dir.Path));
    }

    private static void AssertHoldsOdd(PackBlockStore store, List<(Cid Cid, byte[] Data)> blocks)
    {
        Assert.Equal(blocks.Count / 2, store.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i % 2 == 0)
                Assert.False(store.Has(blocks[i].Cid));
            else
                Assert.Equal(blocks[i].Data, store.Get(blocks[i].Cid));
        }
    }

    /// <summary>Simulates a crash: the handles go, but no snapshot is written and the dirty marker stays.</summary>
    internal static void CloseHandles(PackBlockStore store) => store.AbandonForTests();
}
