using P2P.Node.Content.Car;
using P2P.Node.Content.DagPb;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Car;

public class CarExporterTests
{
    private static Cid PutRaw(MemoryBlockStore store, byte[] data)
    {
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        store.Put(cid, data);
        return cid;
    }

    private static Cid PutNode(MemoryBlockStore store, params Cid[] links)
    {
        var bytes = DagPbCodec.Encode(new PbNode(links.Select(l => new PbLink(l, "", 1)).ToList(), null));
        var cid = Cid.V1(Multicodec.DagPb, Multihash.Sha256(bytes));
        store.Put(cid, bytes);
        return cid;
    }

    private static async Task<List<Cid>> ExportOrderAsync(IBlockStore store, Cid root)
    {
        using var car = new MemoryStream();
        await new CarExporter(new OfflineBlockGetter(store)).ExportAsync(root, car);
        car.Position = 0;
        var reader = new CarReader(car);
        Assert.Equal([root], (await reader.ReadHeaderAsync()).Roots);
        var order = new List<Cid>();
        await foreach (var block in reader.ReadBlocksAsync())
            order.Add(block.Cid);
        return order;
    }

    [Fact]
    public async Task ExportAsync_Dag_WritesDepthFirstPreOrderEachBlockOnce()
    {
        var store = new MemoryBlockStore();
        var a = PutRaw(store, [1]);
        var b = PutRaw(store, [2]);
        var c = PutRaw(store, [3]);
        var left = PutNode(store, a, b, a);
        var right = PutNode(store, c, b);
        var root = PutNode(store, left, right, left);
        Assert.Equal([root, left, a, b, right, c], await ExportOrderAsync(store, root));
    }

    [Fact]
    public async Task ExportAsync_RawRoot_WritesOneBlock()
    {
        var store = new MemoryBlockStore();
        var a = PutRaw(store, [7, 7]);
        Assert.Equal([a], await ExportOrderAsync(store, a));
    }

    [Fact]
    public async Task ExportAsync_MissingBlock_ThrowsBlockNotFound()
    {
        var store = new MemoryBlockStore();
        var absent = Cid.V1(Multicodec.Raw, Multihash.Sha256([42]));
        var root = PutNode(store, PutRaw(store, [1]), absent);
        var ex = await Assert.ThrowsAsync<BlockNotFoundException>(
            () => new CarExporter(new OfflineBlockGetter(store)).ExportAsync(root, new MemoryStream()));
        Assert.Contains(absent.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportAsync_IdentityLink_IsNotWritten()
    {
        var store = new MemoryBlockStore();
        var inline = Cid.V1(Multicodec.Raw, Multihash.Identity([1, 2, 3]));
        var a = PutRaw(store, [5]);
        var root = PutNode(store, inline, a);
        Assert.Equal([root, a], await ExportOrderAsync(store, root));
    }
}
