using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

/// <summary>
/// One damaged byte (header magic, key length, data length, CRC, key, data) in the first, middle or last record of
/// the first, middle or last segment: gc and the crash rebuild keep every other block, and the damaged one is
/// recovered (a hurt header, data still matching its hash) or reported (verify fails) — never a reason to lose
/// the records after it (issue 11, items 1 and 2).
/// </summary>
public class PackDamageTests
{
    public enum Damage
    {
        Magic,
        KeyLength,
        DataLength,
        Crc,
        Key,
        Data,
    }

    private const long SegmentSize = 8192;
    private const int BlockCount = 18;

    public static TheoryData<int, int, Damage> Cases()
    {
        var data = new TheoryData<int, int, Damage>();
        foreach (var segment in new[] { 0, 1, 2 })
        {
            foreach (var record in new[] { 0, 1, 2 })
            {
                foreach (var damage in Enum.GetValues<Damage>())
                    data.Add(segment, record, damage);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compact_DamagedRecord_KeepsEveryOtherBlockAndRepairsOrReports(int segment, int record, Damage damage)
    {
        using var dir = new TempDirectory();
        var (blocks, live) = Fill(dir.Path, crash: false);
        using var store = Open(dir.Path);
        var target = Pick(store, blocks, live, segment, record);
        Corrupt(store, target.Cid, damage);

        Assert.False(PackVerifier.Verify(store, CancellationToken.None).IsHealthy);
        var result = store.Compact(0);

        AssertOthersSurvive(store, blocks, live, target.Cid);
        var verify = PackVerifier.Verify(store, CancellationToken.None);
        if (damage == Damage.Data)
        {
            Assert.Equal([Raw(target.Cid)], verify.Corrupted);
        }
        else
        {
            // The index knew the block, and its data still hashes to its key: it is rewritten with a good header.
            Assert.Equal(target.Data, store.Get(target.Cid));
            Assert.Contains(result.Repaired, r => r.Contains(Raw(target.Cid).ToString(), StringComparison.Ordinal));
            Assert.True(verify.IsHealthy, string.Join("; ", verify.Unreadable));
        }
        store.AbandonForTests();
        using var rebuilt = Open(dir.Path);
        AssertOthersSurvive(rebuilt, blocks, live, target.Cid);
        Assert.True(rebuilt.Has(target.Cid));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rebuild_DamagedRecord_KeepsEveryOtherBlockAndRecoversOrReports(int segment, int record, Damage damage)
    {
        using var dir = new TempDirectory();
        var (blocks, live) = Fill(dir.Path, crash: true);
        var crashed = Open(dir.Path);
        var target = Pick(crashed, blocks, live, segment, record);
        Corrupt(crashed, target.Cid, damage);
        var lengths = SegmentLengths(dir.Path);
        crashed.AbandonForTests();
        File.WriteAllText(Path.Join(dir.Path, ".dirty"), "");

        using (var reopened = Open(dir.Path))
        {
            AssertOthersSurvive(reopened, blocks, live, target.Cid);
            var verify = PackVerifier.Verify(reopened, CancellationToken.None);
            switch (damage)
            {
                case Damage.Data:
                    Assert.Equal([Raw(target.Cid)], verify.Corrupted);
                    break;
                case Damage.Key:
                    // Neither the key nor the index names the block any more: its bytes go to quarantine, and verify fails.
                    Assert.False(reopened.Has(target.Cid));
                    Assert.Single(reopened.OpenProblems);
                    Assert.Single(Directory.GetFiles(Path.Join(dir.Path, "quarantine"), "*.bad"));
                    Assert.False(verify.IsHealthy);
                    break;
                default:
                    Assert.Equal(target.Data, reopened.Get(target.Cid));
                    Assert.Contains(reopened.RecoveryNotes, n => n.Contains(target.Cid.Multihash.ToString(), StringComparison.Ordinal));
                    Assert.True(verify.IsHealthy, string.Join("; ", verify.Unreadable));
                    break;
            }
            // Nothing before the damage was cut: every segment is at least as long as it was.
            foreach (var (path, length) in lengths)
                Assert.True(!File.Exists(path) || new FileInfo(path).Length >= length || damage == Damage.Key, path);
            reopened.Compact(0);
            AssertOthersSurvive(reopened, blocks, live, target.Cid);
        }
        using var clean = Open(dir.Path);
        AssertOthersSurvive(clean, blocks, live, target.Cid);
        Assert.Equal(damage != Damage.Key, clean.Has(target.Cid));
        if (damage == Damage.Key)
            Assert.False(PackVerifier.Verify(clean, CancellationToken.None).IsHealthy); // the quarantine keeps it reported
    }

    [Fact]
    public void Rebuild_TornTail_CutWithoutQuarantine()
    {
        using var dir = new TempDirectory();
        var (blocks, live) = Fill(dir.Path, crash: true);
        var crashed = Open(dir.Path);
        var last = SegmentLengths(dir.Path).Last();
        crashed.AbandonForTests();
        var extra = TestBlocks.Raw(999, 1000);
        var record = new byte[PackRecord.Size(extra.Cid.Multihash.Length, extra.Data.Length)];
        PackRecord.WriteHeader(record, false, extra.Cid.Multihash.Bytes, extra.Data.Length);
        using (var f = new FileStream(last.Path, FileMode.Append))
            f.Write(record, 0, 600); // an append cut short by a crash

        using var reopened = Open(dir.Path);

        Assert.Equal(last.Length, new FileInfo(last.Path).Length);
        Assert.Empty(reopened.OpenProblems);
        Assert.False(Directory.Exists(Path.Join(dir.Path, "quarantine")));
        AssertOthersSurvive(reopened, blocks, live, extra.Cid);
    }

    /// <summary>Puts <see cref="BlockCount"/> blocks over three segments, then deletes one in each segment so every segment has garbage.</summary>
    private static (List<(Cid Cid, byte[] Data)> Blocks, HashSet<int> Live) Fill(string path, bool crash)
    {
        var blocks = Enumerable.Range(0, BlockCount).Select(i => TestBlocks.Raw(100 + i, 1200)).ToList();
        var live = Enumerable.Range(0, BlockCount).Where(i => i % 6 != 2).ToHashSet();
        var store = Open(path);
        foreach (var (cid, data) in blocks)
            store.Put(cid, data);
        foreach (var i in Enumerable.Range(0, BlockCount).Except(live))
            store.Delete(blocks[i].Cid);
        store.Flush();
        Assert.True(Directory.GetFiles(path, "pack-*.dat").Length >= 3);
        if (crash)
            store.AbandonForTests();
        else
            store.Dispose();
        return (blocks, live);
    }

    private static PackBlockStore Open(string path) => new(path, SyncPolicy.Batch, SegmentSize);

    /// <summary>The first, middle or last live record of the first, middle or last segment that holds live records.</summary>
    private static (Cid Cid, byte[] Data) Pick(PackBlockStore store, List<(Cid Cid, byte[] Data)> blocks, HashSet<int> live, int segment, int record)
    {
        var bySegment = live.Select(i => (Block: blocks[i], Where: store.Locate(blocks[i].Cid.Multihash)!.Value))
            .GroupBy(x => x.Where.Path, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(x => x.Where.Offset).ToList())
            .ToList();
        var chosen = bySegment[segment == 0 ? 0 : segment == 1 ? bySegment.Count / 2 : bySegment.Count - 1];
        return chosen[record == 0 ? 0 : record == 1 ? chosen.Count / 2 : chosen.Count - 1].Block;
    }

    private static void Corrupt(PackBlockStore store, Cid cid, Damage damage)
    {
        var (path, offset, dataOffset) = store.Locate(cid.Multihash)!.Value;
        var at = damage switch
        {
            Damage.Magic => offset,
            Damage.KeyLength => offset + 4,
            Damage.DataLength => offset + 8,
            Damage.Crc => offset + 13,
            Damage.Key => offset + PackRecord.HeaderSize + 5,
            _ => dataOffset + 7,
        };
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        f.Position = at;
        var b = f.ReadByte();
        f.Position = at;
        f.WriteByte((byte)(b ^ 0x01));
    }

    private static void AssertOthersSurvive(PackBlockStore store, List<(Cid Cid, byte[] Data)> blocks, HashSet<int> live, Cid except)
    {
        foreach (var i in live)
        {
            if (blocks[i].Cid != except)
                Assert.Equal(blocks[i].Data, store.Get(blocks[i].Cid));
        }
        foreach (var i in Enumerable.Range(0, blocks.Count).Except(live))
            Assert.False(store.Has(blocks[i].Cid));
    }

    private static List<(string Path, long Length)> SegmentLengths(string path) =>
        Directory.GetFiles(path, "pack-*.dat").Order(StringComparer.Ordinal).Select(p => (p, new FileInfo(p).Length)).ToList();

    private static Cid Raw(Cid cid) => Cid.V1(Multicodec.Raw, cid.Multihash);
}
