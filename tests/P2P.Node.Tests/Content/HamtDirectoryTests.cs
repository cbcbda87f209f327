using P2P.Node.Content.DagPb;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// Reading HAMT-sharded directories, built by hand in the layout the UnixFS spec describes. Their hash type is
/// not murmur3, so bucket prefixes can be arbitrary and lookups take the scanning path.
/// </summary>
public class HamtDirectoryTests
{
    private readonly MemoryBlockStore _store = new();

    private Cid Leaf(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(bytes));
        _store.Put(cid, bytes);
        return cid;
    }

    private Cid Shard(params (string Name, Cid Cid)[] links)
    {
        var data = new UnixFsData { Type = UnixFsType.HamtShard, Data = new byte[] { 1 }, HashType = 0x23, Fanout = 256 }.Encode();
        var block = DagPbCodec.Encode(new PbNode(links.Select(l => new PbLink(l.Cid, l.Name, 10)).ToArray(), data));
        var cid = Cid.V1(Multicodec.DagPb, Multihash.Sha256(block));
        _store.Put(cid, block);
        return cid;
    }

    [Fact]
    public async Task ListAsync_ShardWithSubShard_ListsEveryEntryWithoutPrefixes()
    {
        var one = Leaf("one");
        var two = Leaf("two");
        var root = Shard(("0Aname1", one), ("1F", Shard(("2Bname2", two))));
        var exporter = new UnixFsExporter(new OfflineBlockGetter(_store));
        var entries = await exporter.ListAsync(root);
        Assert.Equal(["name1", "name2"], entries.Select(e => e.Name));
        Assert.Equal(two, await exporter.ResolveAsync($"{root}/name2"));
        Assert.Equal(UnixFsType.Directory, (await exporter.StatAsync(root)).Type);
    }

    [Fact]
    public async Task ExportAsync_Shard_WritesEntries()
    {
        var root = Shard(("00a", Leaf("A")), ("FF", Shard(("01b", Leaf("B")))));
        var target = Path.Combine(Path.GetTempPath(), "p2p-content-hamt-" + Guid.NewGuid().ToString("N"));
        try
        {
            await new UnixFsExporter(new OfflineBlockGetter(_store)).ExportAsync(root, target);
            Assert.Equal("A", File.ReadAllText(Path.Combine(target, "a")));
            Assert.Equal("B", File.ReadAllText(Path.Combine(target, "b")));
        }
        finally
        {
            if (Directory.Exists(target))
                Directory.Delete(target, recursive: true);
        }
    }

    [Theory]
    [InlineData("x1name")]
    [InlineData("a")]
    [InlineData("0a")]
    public async Task ListAsync_BadBucketPrefix_ThrowsInvalidData(string name)
    {
        var root = Shard((name, Leaf("x")));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new UnixFsExporter(new OfflineBlockGetter(_store)).ListAsync(root));
        Assert.Contains("bucket index", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_SubShardThatIsAFile_ThrowsInvalidData()
    {
        var root = Shard(("1F", Leaf("not a shard")));
        await Assert.ThrowsAsync<InvalidDataException>(() => new UnixFsExporter(new OfflineBlockGetter(_store)).ListAsync(root, resolveChildren: false));
    }
}
