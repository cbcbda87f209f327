using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Tests.Storage;

/// <summary>
/// A put of a block the store holds in a damaged copy writes the good bytes (issue 14: re-adding a file over a
/// corrupted block repairs it), in both layouts; an intact copy is never touched, and bytes that do not hash to the
/// CID never replace anything.
/// </summary>
public class BlockStoreRepairTests
{
    [Theory]
    [InlineData("flatfs")]
    [InlineData("pack")]
    public void Put_OverADamagedCopy_StoresTheGoodBytesAndSurvivesReopen(string layout)
    {
        using var dir = new TempDirectory();
        var (cid, data) = TestBlocks.Raw(14, 4000);
        With(layout, dir.Path, store => store.Put(cid, data));
        Damage(dir.Path, data);
        With(layout, dir.Path, store =>
        {
            Assert.NotEqual(data, store.Get(cid));
            store.Put(cid, data);
            Assert.Equal(data, store.Get(cid));
        });
        With(layout, dir.Path, reopened => Assert.Equal(data, reopened.Get(cid)));
        if (layout == "pack")
        {
            // After a crash the index is rebuilt by scanning: the later (repaired) record must win.
            File.Delete(Path.Join(dir.Path, "index"));
            File.WriteAllText(Path.Join(dir.Path, ".dirty"), "");
            With(layout, dir.Path, rebuilt => Assert.Equal(data, rebuilt.Get(cid)));
        }
    }

    [Theory]
    [InlineData("flatfs")]
    [InlineData("pack")]
    public void Put_BytesThatDoNotHashToTheCid_ReplaceNothing(string layout)
    {
        using var dir = new TempDirectory();
        var (cid, data) = TestBlocks.Raw(15, 3000);
        var wrong = (byte[])data.Clone();
        wrong[0] ^= 1;
        With(layout, dir.Path, store =>
        {
            store.Put(cid, data);
            store.Put(cid, wrong);
            Assert.Equal(data, store.Get(cid));
        });
    }

    /// <summary>Opens the layout, runs <paramref name="use"/>, and closes the store cleanly.</summary>
    private static void With(string layout, string path, Action<IBlockStore> use)
    {
        IBlockStore store = layout == "pack" ? new PackBlockStore(path) : new FlatFsBlockStore(path);
        try
        {
            use(store);
        }
        finally
        {
            ((IDisposable)store).Dispose();
        }
    }

    /// <summary>Flips the first bytes of <paramref name="data"/> wherever a file under <paramref name="root"/> holds them.</summary>
    private static void Damage(string root, byte[] data)
    {
        var found = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            var at = bytes.AsSpan().IndexOf(data);
            if (at < 0)
                continue;
            bytes[at] ^= 0xff;
            File.WriteAllBytes(file, bytes);
            found++;
        }
        Assert.Equal(1, found);
    }
}
