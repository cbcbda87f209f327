using P2P.Node.Content.DagPb;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Hosting;

/// <summary>kubo's refs rules (RefsWalk), dag stat's counts (DagStats) and dag get's dag-json (DagJson) on small DAGs.</summary>
public sealed class RefsWalkTests
{
    private readonly MemoryBlockStore _store = new();

    private Cid Raw(string text)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        _store.Put(cid, data);
        return cid;
    }

    private Cid Node(params (string Name, Cid Cid)[] links)
    {
        var data = DagPbCodec.Encode(new PbNode(links.Select(l => new PbLink(l.Cid, l.Name, 4)).ToList(), new byte[] { 8, 1 }));
        var cid = Cid.V1(Multicodec.DagPb, Multihash.Sha256(data));
        _store.Put(cid, data);
        return cid;
    }

    private async Task<List<string>> RefsAsync(Cid root, bool recursive, bool unique = false, int maxDepth = -1, string? format = null, bool edges = false)
    {
        var lines = new List<string>();
        await foreach (var line in new RefsWalk(recursive, unique, maxDepth, format, edges).WalkAsync(root, new OfflineBlockGetter(_store), CancellationToken.None))
            lines.Add(line);
        return lines;
    }

    [Fact]
    public async Task Walk_SharedChild_FollowsKubosOrderAndUniqueRule()
    {
        var c = Raw("c");
        var a = Node(("c", c));
        var b = Node(("c2", c));
        var root = Node(("a", a), ("b", b));

        Assert.Equal([$"{a}", $"{b}"], await RefsAsync(root, recursive: false));
        Assert.Equal([$"{a}", $"{c}", $"{b}", $"{c}"], await RefsAsync(root, recursive: true));
        Assert.Equal([$"{a}", $"{c}", $"{b}"], await RefsAsync(root, recursive: true, unique: true));
        Assert.Equal([$"{a}", $"{b}"], await RefsAsync(root, recursive: true, maxDepth: 1));
        Assert.Equal([$"{root} -> {a}", $"{a} -> {c}", $"{root} -> {b}", $"{b} -> {c}"], await RefsAsync(root, recursive: true, edges: true));
        Assert.Equal(["a", "c", "b", "c2"], await RefsAsync(root, recursive: true, format: "<linkname>"));
        Assert.Throws<ArgumentException>(() => new RefsWalk(true, false, -1, "<src>", edges: true));
    }

    [Fact]
    public async Task Walk_MissingChild_FailsWhereKuboWould()
    {
        var absent = Cid.V1(Multicodec.Raw, Multihash.Sha256("not stored"u8));
        var root = Node(("gone", absent));
        await Assert.ThrowsAsync<BlockNotFoundException>(() => RefsAsync(root, recursive: false));
    }

    [Fact]
    public async Task DagStats_TwoRootsSharingABlock_CountsItOnceInTheTotal()
    {
        var c = Raw("c");
        var a = Node(("c", c));
        var stats = await DagStats.ComputeAsync([a, c], new OfflineBlockGetter(_store), CancellationToken.None);
        var aSize = (ulong)_store.GetSize(a);
        Assert.Equal(2, stats.UniqueBlocks);
        Assert.Equal(aSize + 1, stats.TotalSize);
        Assert.Equal(1UL, stats.SharedSize);
        Assert.Equal(2, stats.Roots[0].NumBlocks);
        Assert.Equal(1, stats.Roots[1].NumBlocks);
    }

    [Fact]
    public void DagJson_EmptyDirectory_IsKubosOutput()
    {
        // QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn, the empty UnixFS directory; `ipfs dag get` prints this.
        var block = Convert.FromHexString("0a020801");
        var cid = Cid.V0(Multihash.Sha256(block));
        Assert.Equal("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", cid.ToString());
        Assert.Equal("{\"Data\":{\"/\":{\"bytes\":\"CAE\"}},\"Links\":[]}", DagJson.EncodeString(cid, block));
        var raw = Cid.V1(Multicodec.Raw, Multihash.Sha256("hi\n"u8));
        Assert.Equal("{\"/\":{\"bytes\":\"aGkK\"}}", DagJson.EncodeString(raw, "hi\n"u8.ToArray()));
    }
}
