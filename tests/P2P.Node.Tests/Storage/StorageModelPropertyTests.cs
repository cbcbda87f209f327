using CsCheck;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

/// <summary>
/// Runs random sequences of put, delete, pin, unpin and gc against the flatfs store and pin store, and the
/// same sequence against a plain in-memory model of what they should hold.
/// </summary>
public class StorageModelPropertyTests
{
    private enum Op { Put, Delete, PinDirect, PinRecursive, Unpin, Gc }

    /// <summary>Six raw leaves and four nodes forming a DAG with shared children.</summary>
    private static readonly (Cid Cid, byte[] Data)[] Universe = BuildUniverse();

    [Fact]
    public void AnyOperationSequence_StoreAndPinsEqualModel()
    {
        var gen = Gen.Select(Gen.Enum<Op>(), Gen.Int[0, Universe.Length - 1], (op, index) => (op, index)).Array[1, 30];
        gen.Sample(
            RunAgainstModel,
            seed: new PCG(7, 20261125).ToString(),
            iter: 60,
            threads: 1,
            print: ops => string.Join(", ", ops.Select(o => $"{o.op}({o.index})")));
    }

    private static void RunAgainstModel((Op op, int index)[] ops)
    {
        using var dir = new TempDirectory();
        var store = new FlatFsBlockStore(dir.Join("blocks"), SyncPolicy.None);
        var pins = PinStore.Open(dir.Join("pins.json"));
        var modelBlocks = new HashSet<Multihash>();
        var modelPins = new Dictionary<Multihash, Pin>();
        foreach (var (op, index) in ops)
        {
            var (cid, data) = Universe[index];
            var key = cid.Multihash;
            switch (op)
            {
                case Op.Put:
                    store.Put(cid, data);
                    modelBlocks.Add(key);
                    break;
                case Op.Delete:
                    Assert.Equal(modelBlocks.Remove(key), store.Delete(cid));
                    break;
                case Op.PinDirect:
                    if (!(modelPins.TryGetValue(key, out var p) && p.Kind == PinKind.Recursive))
                        modelPins[key] = new Pin(cid, PinKind.Direct);
                    pins.Add(cid, PinKind.Direct);
                    break;
                case Op.PinRecursive:
                    modelPins[key] = new Pin(cid, PinKind.Recursive);
                    pins.Add(cid, PinKind.Recursive);
                    break;
                case Op.Unpin:
                    Assert.Equal(modelPins.Remove(key), pins.Remove(cid));
                    break;
                case Op.Gc:
                    var live = ModelLive(modelPins.Values, modelBlocks);
                    if (live is null)
                    {
                        Assert.Throws<RepoException>(() => GarbageCollector.Collect(store, pins.List(), TestBlocks.Decoder));
                    }
                    else
                    {
                        var result = GarbageCollector.Collect(store, pins.List(), TestBlocks.Decoder);
                        var expectedRemoved = modelBlocks.Where(b => !live.Contains(b)).ToHashSet();
                        Assert.Equal(expectedRemoved, result.Removed.Select(c => c.Multihash).ToHashSet());
                        modelBlocks.IntersectWith(live);
                    }
                    break;
            }
            Assert.Equal(modelBlocks, store.EnumerateMultihashes().ToHashSet());
            Assert.Equal(modelPins.Values.OrderBy(x => x.Cid), pins.List());
        }
        foreach (var key in modelBlocks)
        {
            var (cid, data) = Universe.First(u => u.Cid.Multihash.Equals(key));
            Assert.Equal(data, store.Get(cid));
        }
        Assert.Equal(pins.List(), PinStore.Open(dir.Join("pins.json")).List());
    }

    /// <summary>What gc must keep, or null when a node below a recursive pin is missing (gc must refuse).</summary>
    private static HashSet<Multihash>? ModelLive(IEnumerable<Pin> pins, HashSet<Multihash> present)
    {
        var live = new HashSet<Multihash>();
        var stack = new Stack<Cid>();
        foreach (var pin in pins)
        {
            if (pin.Kind == PinKind.Direct)
                live.Add(pin.Cid.Multihash);
            else
                stack.Push(pin.Cid);
        }
        while (stack.Count > 0)
        {
            var cid = stack.Pop();
            if (!live.Add(cid.Multihash) || cid.Codec == Multicodec.Raw)
                continue;
            if (!present.Contains(cid.Multihash))
                return null;
            foreach (var child in Children(cid))
                stack.Push(child);
        }
        return live;
    }

    private static IEnumerable<Cid> Children(Cid cid) =>
        TestBlocks.Decoder.GetLinks(cid, Universe.First(u => u.Cid == cid).Data);

    private static (Cid, byte[])[] BuildUniverse()
    {
        var leaves = Enumerable.Range(0, 6).Select(i => TestBlocks.Raw(i, 64)).ToArray();
        var n0 = TestBlocks.Node(100, leaves[0].Cid, leaves[1].Cid);
        var n1 = TestBlocks.Node(101, n0.Cid, leaves[2].Cid);
        var n2 = TestBlocks.Node(102, leaves[1].Cid, leaves[3].Cid);
        var n3 = TestBlocks.Node(103, n1.Cid, n2.Cid, leaves[4].Cid);
        return [.. leaves, n0, n1, n2, n3];
    }
}
