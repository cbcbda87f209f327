using System.Text;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

public class FlatFsBlockStoreTests
{
    [Theory]
    [InlineData(SyncPolicy.None)]
    [InlineData(SyncPolicy.Batch)]
    [InlineData(SyncPolicy.Always)]
    public void PutGetHasDelete_RoundTrip(SyncPolicy policy)
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path, policy);
        var (cid, data) = TestBlocks.Raw(1, 5000);
        Assert.False(store.Has(cid));
        Assert.Null(store.Get(cid));
        Assert.Equal(-1, store.GetSize(cid));

        store.Put(cid, data);
        store.Flush();

        Assert.True(store.Has(cid));
        Assert.Equal(data, store.Get(cid));
        Assert.Equal(5000, store.GetSize(cid));
        Assert.True(store.Delete(cid));
        Assert.False(store.Has(cid));
        Assert.False(store.Delete(cid));
    }

    [Fact]
    public void Put_NamesFileLikeKuboFlatfs()
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path);
        var cid = Cid.Parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        store.Put(cid, Encoding.UTF8.GetBytes("hello world"));

        // kubo: base32 upper of the multihash (sha2-256 ones start CIQ), sharded by next-to-last/2.
        var key = Multibase.EncodeBase32(cid.Multihash.Bytes).ToUpperInvariant();
        Assert.StartsWith("CIQ", key, StringComparison.Ordinal);
        var expected = Path.Join(dir.Path, key[^3..^1], key + ".data");
        Assert.True(File.Exists(expected), expected);
        Assert.Equal("/repo/flatfs/shard/v1/next-to-last/2", File.ReadAllText(dir.Join("SHARDING")).Trim());
    }

    [Fact]
    public void Put_SameBlockTwiceAndSameCidV0V1_StoredOnce()
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path);
        var data = Encoding.UTF8.GetBytes("node");
        var mh = Multihash.Sha256(data);
        store.Put(Cid.V0(mh), data);
        store.Put(Cid.V0(mh), data);
        store.Put(Cid.V1(Multicodec.DagPb, mh), data);

        Assert.Equal([mh], store.EnumerateMultihashes().ToList());
        Assert.True(store.Has(Cid.V1(Multicodec.Raw, mh)));
    }

    [Fact]
    public void EnumerateMultihashes_ListsEveryBlockAndIgnoresStrayFiles()
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path);
        var blocks = Enumerable.Range(0, 50).Select(i => TestBlocks.Raw(i)).ToList();
        foreach (var (cid, data) in blocks)
            store.Put(cid, data);
        File.WriteAllText(Path.Join(dir.Path, "notes.txt"), "x");

        var listed = store.EnumerateMultihashes().ToHashSet();

        Assert.Equal(blocks.Select(b => b.Cid.Multihash).ToHashSet(), listed);
    }

    [Fact]
    public void Put_ConcurrentWriters_AllBlocksIntact()
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path, SyncPolicy.Batch);
        var blocks = Enumerable.Range(0, 200).Select(i => TestBlocks.Raw(i % 100, 4096)).ToList();

        Parallel.ForEach(blocks, new ParallelOptions { MaxDegreeOfParallelism = 4 }, b => store.Put(b.Cid, b.Data));
        store.Flush();

        Assert.Equal(100, store.EnumerateMultihashes().Count());
        foreach (var (cid, data) in blocks)
            Assert.Equal(data, store.Get(cid));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Put_WriteFails_LeavesNoTempFileAndThrowsIOException()
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path);
        string? tempSeen = null;
        store.BeforeRename = path =>
        {
            tempSeen = path;
            throw new IOException("No space left on device", Posix.ENOSPC);
        };
        var (cid, data) = TestBlocks.Raw(7);

        var error = Assert.Throws<IOException>(() => store.Put(cid, data));

        Assert.Contains("disk is full", error.Message, StringComparison.Ordinal);
        Assert.Contains(cid.ToString(), error.Message, StringComparison.Ordinal);
        Assert.NotNull(tempSeen);
        Assert.False(File.Exists(tempSeen));
        Assert.False(store.Has(cid));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void RemoveTemporaryFiles_AfterCrash_DeletesLeftovers()
    {
        using var dir = new TempDirectory();
        var crashed = new FlatFsBlockStore(dir.Path);
        var (cid, data) = TestBlocks.Raw(1);
        crashed.Put(cid, data);
        var shard = Path.GetDirectoryName(crashed.PathOf(cid.Multihash))!;
        var stray = Path.Join(shard, "CIQABC.1.tmp");
        File.WriteAllText(stray, "half a blo");

        // The crashed store was never disposed; the next session finds the dirty marker and scans.
        using var next = new FlatFsBlockStore(dir.Path);
        Assert.Equal(1, next.RemoveTemporaryFiles());

        Assert.False(File.Exists(stray));
        Assert.Equal(data, next.Get(cid));
    }

    [Fact]
    public void Dispose_MarksCleanSoNextOpenSkipsScan()
    {
        using var dir = new TempDirectory();
        var (cid, data) = TestBlocks.Raw(1);
        using (var store = new FlatFsBlockStore(dir.Path))
        {
            store.Put(cid, data);
            Assert.True(File.Exists(dir.Join(".dirty")));
        }

        Assert.False(File.Exists(dir.Join(".dirty")));
        using var reopened = new FlatFsBlockStore(dir.Path);
        Assert.Equal(0, reopened.RemoveTemporaryFiles());
        Assert.Equal(data, reopened.Get(cid));
    }

    [Fact]
    public void Get_OversizedFile_ThrowsInvalidData()
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Path);
        var (cid, data) = TestBlocks.Raw(3);
        store.Put(cid, data);
        using (var f = new FileStream(store.PathOf(cid.Multihash), FileMode.Open))
            f.SetLength(FlatFsBlockStore.MaxBlockSize + 1L);

        Assert.Throws<InvalidDataException>(() => store.Get(cid));
    }

    [Fact]
    public void Constructor_UnknownSharding_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Join("SHARDING"), "/repo/flatfs/shard/v1/prefix/2\n");

        Assert.Throws<InvalidDataException>(() => new FlatFsBlockStore(dir.Path));
    }
}
