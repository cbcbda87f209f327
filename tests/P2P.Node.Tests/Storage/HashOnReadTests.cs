using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

/// <summary>
/// kubo's Datastore.HashOnRead as config <c>hashOnRead</c>: off by default, a damaged block read from the local store
/// is handed out as it is (`repo verify` finds it; peers hash what they receive); on, the read fails as corrupt.
/// </summary>
public class HashOnReadTests
{
    private static (MemoryBlockStore Store, Cid Cid) DamagedBlock()
    {
        var good = new byte[1000];
        new Random(15).NextBytes(good);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(good));
        var bad = (byte[])good.Clone();
        bad[500] ^= 1;
        var store = new MemoryBlockStore();
        store.Put(cid, bad);
        return (store, cid);
    }

    [Fact]
    public async Task OfflineBlockGetter_HashOnReadOff_HandsOutWhatTheStoreHolds()
    {
        var (store, cid) = DamagedBlock();
        var getter = new OfflineBlockGetter(store);

        Assert.Equal(store.Get(cid), await getter.GetBlockAsync(cid));
        using var buffer = await getter.GetBufferAsync(cid);
        Assert.True(buffer.Memory.Span.SequenceEqual(store.Get(cid)));
    }

    [Fact]
    public async Task OfflineBlockGetter_HashOnReadOn_RefusesADamagedBlock()
    {
        var (store, cid) = DamagedBlock();
        var getter = new OfflineBlockGetter(store, hashOnRead: true);

        await Assert.ThrowsAsync<CorruptBlockException>(async () => await getter.GetBlockAsync(cid));
        await Assert.ThrowsAsync<CorruptBlockException>(async () => await getter.GetBufferAsync(cid));
    }

    [Fact]
    public void ConfigEditor_KuboKey_SetsHashOnReadAndTheRepoHonoursIt()
    {
        using var dir = new TempDirectory();
        using (var repo = Repo.Init(dir.Path))
        {
            Assert.False(repo.Config.HashOnRead);
            ConfigEditor.Set(repo, "Datastore.HashOnRead", "true", json: false, boolean: true);
        }

        using var local = LocalContent.Open(dir.Path);
        Assert.True(local.Repo.Config.HashOnRead);
        Assert.True(Assert.IsType<OfflineBlockGetter>(local.Getter).HashOnRead);
    }
}
