using CsCheck;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage.Pack;

/// <summary>
/// Random sequences of put, delete, clean reopen, crash reopen and compaction against a pack store with tiny
/// segments (so rolls and multi-segment compaction happen), checked after every step against a set model.
/// </summary>
public class PackModelPropertyTests
{
    private enum Op { Put, Delete, Reopen, Crash, Compact, CompactAll }

    private static readonly (Cid Cid, byte[] Data)[] Universe =
        Enumerable.Range(0, 12).Select(i => TestBlocks.Raw(i, 300 + i * 97)).ToArray();

    [Fact]
    public void AnyOperationSequence_StoreEqualsModel()
    {
        var gen = Gen.Select(Gen.Enum<Op>(), Gen.Int[0, Universe.Length - 1], (op, index) => (op, index)).Array[1, 40];
        gen.Sample(
            RunAgainstModel,
            seed: new PCG(11, 20261125).ToString(),
            iter: 80,
            threads: 1,
            print: ops => string.Join(", ", ops.Select(o => $"{o.op}({o.index})")));
    }

    private static void RunAgainstModel((Op op, int index)[] ops)
    {
        using var dir = new TempDirectory();
        const long segmentSize = 4096;
        var store = new PackBlockStore(dir.Path, SyncPolicy.None, segmentSize);
        var model = new HashSet<Multihash>();
        try
        {
            foreach (var (op, index) in ops)
            {
                var (cid, data) = Universe[index];
                switch (op)
                {
                    case Op.Put:
                        store.Put(cid, data);
                        model.Add(cid.Multihash);
                        break;
                    case Op.Delete:
                        Assert.Equal(model.Remove(cid.Multihash), store.Delete(cid));
                        break;
                    case Op.Reopen:
                        store.Dispose();
                        store = new PackBlockStore(dir.Path, SyncPolicy.None, segmentSize);
                        break;
                    case Op.Crash:
                        store.AbandonForTests();
                        store = new PackBlockStore(dir.Path, SyncPolicy.None, segmentSize);
                        break;
                    case Op.Compact:
                        store.Compact();
                        break;
                    case Op.CompactAll:
                        store.Compact(0);
                        break;
                }
                Assert.Equal(model, store.EnumerateMultihashes().ToHashSet());
            }
            foreach (var (cid, data) in Universe.Where(u => model.Contains(u.Cid.Multihash)))
                Assert.Equal(data, store.Get(cid));
            Assert.True(PackVerifier.Verify(store, CancellationToken.None).IsHealthy);
        }
        finally
        {
            store.Dispose();
        }
    }
}
