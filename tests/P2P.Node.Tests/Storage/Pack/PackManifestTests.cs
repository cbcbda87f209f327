using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

/// <summary>
/// The segment manifest (issue 11, item 9, pack half): a segment deleted or a tail cut while the repo is closed is
/// reported by verify, naming the segment, the bytes and (after a clean close) the blocks, until the note in
/// quarantine is deleted, even when no pin needed those blocks; a torn append after a crash is still cut silently;
/// a new store and a store from before the manifest open without a word; compaction's own removals and cuts are
/// never mistaken for losses.
/// </summary>
public class PackManifestTests
{
    private const long SegmentSize = 8192;
    private const int BlockCount = 18;

    [Fact]
    public void Open_MiddleSegmentDeletedAfterCleanClose_VerifyNamesSegmentAndItsBlocks()
    {
        using var dir = new TempDirectory();
        var blocks = Fill(dir.Path, out var bySegment, crash: false);
        Assert.Equal(3, bySegment.Count);
        var middle = PackSegment.FileName(2);
        var middleBytes = new FileInfo(Path.Join(dir.Path, middle)).Length;
        File.Delete(Path.Join(dir.Path, middle));

        using (var store = Open(dir.Path))
        {
            var warning = Assert.Single(store.LossWarnings);
            Assert.Contains(middle, warning, StringComparison.Ordinal);
            Assert.Contains($"{middleBytes} bytes", warning, StringComparison.Ordinal);
            var verify = PackVerifier.Verify(store, CancellationToken.None);
            Assert.False(verify.IsHealthy);
            Assert.Equal(bySegment[2].Select(Raw).Order(), verify.Lost.Select(l => l.Block).Order());
            Assert.Contains(verify.Unreadable, u => u.Reason.Contains(middle, StringComparison.Ordinal) && u.Reason.Contains($"{middleBytes} bytes", StringComparison.Ordinal));
            foreach (var cid in blocks.Select(b => b.Cid).Except(bySegment[2]))
                Assert.True(store.Has(cid));
        }

        // Reported again at every verify (not warned again at open) until the user deletes the note.
        using (var again = Open(dir.Path))
        {
            Assert.Empty(again.LossWarnings);
            Assert.Equal(bySegment[2].Count, PackVerifier.Verify(again, CancellationToken.None).Lost.Count);
        }
        foreach (var note in Directory.GetFiles(Path.Join(dir.Path, "quarantine"), "*.note"))
            File.Delete(note);
        using var acknowledged = Open(dir.Path);
        Assert.True(PackVerifier.Verify(acknowledged, CancellationToken.None).IsHealthy);
    }

    [Fact]
    public void Open_TailCutAfterCleanClose_ReportedNotTreatedAsTorn()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out var bySegment, crash: false);
        var last = Path.Join(dir.Path, PackSegment.FileName(3));
        var length = new FileInfo(last).Length;
        using (var f = new FileStream(last, FileMode.Open))
            f.SetLength(length - 500); // through the middle of the last record

        using var store = Open(dir.Path);

        var warning = Assert.Single(store.LossWarnings);
        Assert.Contains(PackSegment.FileName(3), warning, StringComparison.Ordinal);
        var verify = PackVerifier.Verify(store, CancellationToken.None);
        Assert.False(verify.IsHealthy);
        Assert.Equal([Raw(bySegment[3][^1])], verify.Lost.Select(l => l.Block));
        Assert.False(store.Has(bySegment[3][^1]));
        Assert.True(store.Has(bySegment[3][0]));
    }

    [Fact]
    public void Open_WholeRecordsCutAfterCleanClose_EachNamed()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out var bySegment, crash: false);
        var first = Path.Join(dir.Path, PackSegment.FileName(1));
        using (var store = Open(dir.Path))
        {
            var keep = store.Locate(bySegment[1][^2].Multihash)!.Value.Offset;
            store.Dispose();
            using var f = new FileStream(first, FileMode.Open);
            f.SetLength(keep); // the last two records of the first segment, at a record boundary
        }

        using var reopened = Open(dir.Path);

        Assert.Single(reopened.LossWarnings);
        Assert.Equal(bySegment[1][^2..].Select(Raw).Order(), PackVerifier.Verify(reopened, CancellationToken.None).Lost.Select(l => l.Block).Order());
    }

    [Fact]
    public void Open_TornTailAfterUncleanExit_CutSilentlyAndHealthy()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out _, crash: true);
        var last = Path.Join(dir.Path, PackSegment.FileName(3));
        var length = new FileInfo(last).Length;
        var extra = TestBlocks.Raw(999, 1000);
        var record = new byte[PackRecord.Size(extra.Cid.Multihash.Length, extra.Data.Length)];
        PackRecord.WriteHeader(record, false, extra.Cid.Multihash.Bytes, extra.Data.Length);
        using (var f = new FileStream(last, FileMode.Append))
            f.Write(record, 0, 600); // an append cut short by the crash
        Assert.True(File.Exists(Path.Join(dir.Path, ".dirty")));

        using var store = Open(dir.Path);

        Assert.Equal(length, new FileInfo(last).Length);
        Assert.Empty(store.LossWarnings);
        Assert.False(Directory.Exists(Path.Join(dir.Path, "quarantine")));
        Assert.True(PackVerifier.Verify(store, CancellationToken.None).IsHealthy);
    }

    [Fact]
    public void Open_TailCutBelowRecordedLengthAfterUncleanExit_ReportedWithBytes()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out _, crash: true);
        // The crashed session's first open recorded the lengths (a checkpoint); a second crash follows.
        Open(dir.Path).AbandonForTests();
        var first = Path.Join(dir.Path, PackSegment.FileName(1));
        var length = new FileInfo(first).Length;
        using (var f = new FileStream(first, FileMode.Open))
            f.SetLength(length - 1300);

        using var store = Open(dir.Path);

        var warning = Assert.Single(store.LossWarnings);
        Assert.Contains(PackSegment.FileName(1), warning, StringComparison.Ordinal);
        Assert.Contains("not closed cleanly", warning, StringComparison.Ordinal);
        var verify = PackVerifier.Verify(store, CancellationToken.None);
        Assert.False(verify.IsHealthy);
        Assert.Contains(verify.Unreadable, u => u.Path.EndsWith(".note", StringComparison.Ordinal) && u.Reason.Contains(PackSegment.FileName(1), StringComparison.Ordinal));
    }

    [Fact]
    public void Open_FreshStore_NoWarningAndManifestWritten()
    {
        using var dir = new TempDirectory();
        using (var store = Open(dir.Path))
        {
            Assert.Empty(store.LossWarnings);
            var (cid, data) = TestBlocks.Raw(1, 500);
            store.Put(cid, data);
        }

        using var reopened = Open(dir.Path);

        Assert.Empty(reopened.LossWarnings);
        Assert.Empty(reopened.RecoveryNotes);
        Assert.True(File.Exists(Path.Join(dir.Path, PackManifest.FileName)));
        Assert.True(PackVerifier.Verify(reopened, CancellationToken.None).IsHealthy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_StoreFromBeforeTheManifest_NoWarningAndGainsOne(bool crashed)
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out _, crash: crashed);
        var manifest = Path.Join(dir.Path, PackManifest.FileName);
        File.Delete(manifest);

        using (var store = Open(dir.Path))
        {
            Assert.Empty(store.LossWarnings);
            Assert.True(File.Exists(manifest));
            Assert.True(PackVerifier.Verify(store, CancellationToken.None).IsHealthy);
        }
        // Now it protects: the first segment deleted is a loss.
        File.Delete(Path.Join(dir.Path, PackSegment.FileName(1)));
        using var reopened = Open(dir.Path);
        Assert.Single(reopened.LossWarnings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compact_DroppedAndTrimmedSegments_AreNotLosses(bool crash)
    {
        using var dir = new TempDirectory();
        var blocks = Fill(dir.Path, out var bySegment, crash: false);
        var store = Open(dir.Path);
        foreach (var cid in bySegment[2].Concat(bySegment[3].Skip(1)))
            store.Delete(cid);
        store.Compact(0);
        Assert.False(File.Exists(Path.Join(dir.Path, PackSegment.FileName(2))));
        if (crash)
            store.AbandonForTests();
        else
            store.Dispose();

        using var reopened = Open(dir.Path);

        Assert.Empty(reopened.LossWarnings);
        Assert.True(PackVerifier.Verify(reopened, CancellationToken.None).IsHealthy);
        Assert.True(reopened.Has(bySegment[3][0]));
        Assert.Equal(blocks.Count - bySegment[2].Count - (bySegment[3].Count - 1), reopened.Count);
    }

    [Fact]
    public void Compact_SessionThatOnlyCutsATail_ThenCrash_NotALoss()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out var bySegment, crash: false);
        using (var store = Open(dir.Path))
            store.Delete(bySegment[3][^1]); // its tombstone follows it: both dead, nothing to append again
        var compacting = Open(dir.Path);
        compacting.Compact(0); // cuts the dead tail of segment 3 and writes nothing else
        Assert.True(new FileInfo(Path.Join(dir.Path, PackSegment.FileName(3))).Length < 7500);

        compacting.AbandonForTests(); // the snapshot on disk still has the longer length
        using var reopened = Open(dir.Path);

        Assert.Empty(reopened.LossWarnings);
        Assert.True(PackVerifier.Verify(reopened, CancellationToken.None).IsHealthy);
    }

    [Fact]
    public void Open_LossFoundThenCrash_NotReportedTwice()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out _, crash: false);
        File.Delete(Path.Join(dir.Path, PackSegment.FileName(2)));
        var first = Open(dir.Path);
        Assert.Single(first.LossWarnings);

        first.AbandonForTests();
        using var reopened = Open(dir.Path);

        Assert.Empty(reopened.LossWarnings);
        Assert.Single(Directory.GetFiles(Path.Join(dir.Path, "quarantine"), "*.note"));
    }

    [Fact]
    public void Open_ManifestOlderThanAMatchingCleanSnapshot_NoLoss()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out var bySegment, crash: false);
        var manifest = Path.Join(dir.Path, PackManifest.FileName);
        var before = File.ReadAllBytes(manifest);
        using (var store = Open(dir.Path))
        {
            foreach (var cid in bySegment[2])
                store.Delete(cid);
            store.Compact(0);
        }
        // As if a p2p without the manifest had compacted the store: the manifest still names segment 2.
        File.WriteAllBytes(manifest, before);

        using var reopened = Open(dir.Path);

        Assert.Empty(reopened.LossWarnings);
        Assert.True(PackVerifier.Verify(reopened, CancellationToken.None).IsHealthy);
    }

    [Fact]
    public void Roll_AfterLastSegmentLost_NeverReusesItsId()
    {
        using var dir = new TempDirectory();
        Fill(dir.Path, out _, crash: false);
        File.Delete(Path.Join(dir.Path, PackSegment.FileName(3)));
        using var store = Open(dir.Path);
        var next = TestBlocks.Raw(500, 7000); // does not fit after the records of segment 2, now the last

        store.Put(next.Cid, next.Data);

        // A new pack-000003.dat would share its name with the lost one the note in quarantine talks about.
        Assert.Equal(Path.Join(dir.Path, PackSegment.FileName(4)), store.Locate(next.Cid.Multihash)!.Value.Path);
    }

    /// <summary>Puts <see cref="BlockCount"/> blocks over three segments; returns them and, per segment id, the CIDs it holds in offset order.</summary>
    private static List<(Cid Cid, byte[] Data)> Fill(string path, out Dictionary<int, List<Cid>> bySegment, bool crash)
    {
        var blocks = Enumerable.Range(0, BlockCount).Select(i => TestBlocks.Raw(100 + i, 1200)).ToList();
        var store = Open(path);
        foreach (var (cid, data) in blocks)
            store.Put(cid, data);
        store.Flush();
        bySegment = blocks
            .Select(b => (b.Cid, Where: store.Locate(b.Cid.Multihash)!.Value))
            .GroupBy(x => PackSegment.ParseId(Path.GetFileName(x.Where.Path)))
            .ToDictionary(g => g.Key, g => g.OrderBy(x => x.Where.Offset).Select(x => x.Cid).ToList());
        if (crash)
            store.AbandonForTests();
        else
            store.Dispose();
        return blocks;
    }

    private static PackBlockStore Open(string path) => new(path, SyncPolicy.Batch, SegmentSize);

    private static Cid Raw(Cid cid) => Cid.V1(Multicodec.Raw, cid.Multihash);
}
