using P2P.Node.Content.DagPb;
using P2P.Node.Content.Verifying;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Api;

/// <summary><see cref="PinVerifier"/> (behind <c>pin/verify</c>) over an in-memory store with hand-built DAGs.</summary>
public sealed class PinVerifierTests
{
    private readonly MemoryBlockStore _store = new();

    private Cid Leaf(int seed)
    {
        var data = new byte[1000];
        new Random(seed).NextBytes(data);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        _store.Put(cid, data);
        return cid;
    }

    private Cid Node(params Cid[] children)
    {
        var block = DagPbCodec.Encode(new PbNode([.. children.Select(c => new PbLink(c, "", 1000))], null));
        var cid = Cid.V1(Multicodec.DagPb, Multihash.Sha256(block));
        _store.Put(cid, block);
        return cid;
    }

    private List<PinStatus> Verify(params Pin[] pins) => [.. PinVerifier.Verify(_store, pins, CancellationToken.None)];

    [Fact]
    public void Verify_CompleteDags_AllOk()
    {
        var root = Node(Node(Leaf(1), Leaf(2)), Leaf(3));
        var direct = Leaf(4);

        var statuses = Verify(new Pin(root, PinKind.Recursive), new Pin(direct, PinKind.Direct));

        Assert.Equal([root, direct], statuses.Select(s => s.Cid));
        Assert.All(statuses, s => Assert.True(s.Ok));
    }

    [Fact]
    public void Verify_MissingLeaf_NamesItUnderItsPin()
    {
        var missing = Leaf(2);
        var root = Node(Leaf(1), missing, Leaf(3));
        _store.Delete(missing);

        var status = Assert.Single(Verify(new Pin(root, PinKind.Recursive)));

        Assert.False(status.Ok);
        var bad = Assert.Single(status.BadNodes);
        Assert.Equal(missing, bad.Cid);
        Assert.Contains("not in the repo", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_CorruptedBlock_NamesIt()
    {
        var leaf = Leaf(2);
        var root = Node(Leaf(1), leaf);
        _store.Delete(leaf);
        _store.Put(leaf, new byte[1000]); // stored under its CID, but other bytes

        var status = Assert.Single(Verify(new Pin(root, PinKind.Recursive)));

        var bad = Assert.Single(status.BadNodes);
        Assert.Equal(leaf, bad.Cid);
        Assert.Contains("corrupted", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DirectPin_ChecksOnlyItsBlock()
    {
        var missing = Leaf(2);
        var root = Node(Leaf(1), missing);
        _store.Delete(missing);

        var status = Assert.Single(Verify(new Pin(root, PinKind.Direct)));

        Assert.True(status.Ok);
    }

    [Fact]
    public void Verify_BadBlockSharedBySiblings_BreaksEveryPinAboveIt()
    {
        // Two subtrees share the missing leaf; the second meets it already seen. Neither subtree may be recorded as
        // whole, or a later pin of the second subtree alone would be reported sound.
        var missing = Leaf(9);
        var left = Node(Leaf(1), missing);
        var right = Node(missing, Leaf(2));
        var root = Node(left, right);
        _store.Delete(missing);

        var statuses = Verify(new Pin(root, PinKind.Recursive), new Pin(right, PinKind.Recursive), new Pin(left, PinKind.Recursive));

        Assert.All(statuses, s => Assert.False(s.Ok));
        Assert.All(statuses, s => Assert.Equal(missing, Assert.Single(s.BadNodes).Cid));
    }

    [Fact]
    public void Verify_UndecodableNode_NamesIt()
    {
        var garbage = new byte[] { 0xff, 0xff, 0xff, 0x01 };
        var broken = Cid.V1(Multicodec.DagPb, Multihash.Sha256(garbage));
        _store.Put(broken, garbage);

        var status = Assert.Single(Verify(new Pin(broken, PinKind.Recursive)));

        var bad = Assert.Single(status.BadNodes);
        Assert.Contains("cannot decode", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_DeepChain_DoesNotOverflowTheStack()
    {
        var cid = Leaf(1);
        for (var i = 0; i < 20_000; i++)
            cid = Node(cid);

        var status = Assert.Single(Verify(new Pin(cid, PinKind.Recursive)));

        Assert.True(status.Ok);
    }
}
