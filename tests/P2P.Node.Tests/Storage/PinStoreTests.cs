using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

public class PinStoreTests
{
    [Fact]
    public void AddRemoveList_TracksKinds()
    {
        using var dir = new TempDirectory();
        var pins = PinStore.Open(dir.Join("pins.json"));
        var a = TestBlocks.Raw(1).Cid;
        var b = TestBlocks.Raw(2).Cid;

        Assert.True(pins.Add(a, PinKind.Direct));
        Assert.True(pins.Add(b, PinKind.Recursive));
        Assert.False(pins.Add(b, PinKind.Direct));
        Assert.True(pins.Add(a, PinKind.Recursive));

        Assert.Equal(PinKind.Recursive, pins.GetKind(a));
        Assert.Equal(PinKind.Recursive, pins.GetKind(b));
        Assert.Equal(2, pins.List().Count);
        Assert.True(pins.Remove(a));
        Assert.False(pins.Remove(a));
        Assert.False(pins.IsPinned(a));
        Assert.True(pins.IsPinned(b));
    }

    [Fact]
    public void IsPinned_V0AndV1OfSameMultihash_SamePin()
    {
        using var dir = new TempDirectory();
        var pins = PinStore.Open(dir.Join("pins.json"));
        var mh = Multihash.Sha256([1, 2, 3]);

        pins.Add(Cid.V0(mh), PinKind.Recursive);

        Assert.True(pins.IsPinned(Cid.V1(Multicodec.DagPb, mh)));
    }

    [Fact]
    public void Pins_SurviveReopen()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var a = TestBlocks.Raw(1).Cid;
        var b = Cid.V0(Multihash.Sha256([9]));
        var first = PinStore.Open(path);
        first.Add(a, PinKind.Direct);
        first.Add(b, PinKind.Recursive);

        var reopened = PinStore.Open(path);

        Assert.Equal(first.List(), reopened.List());
        Assert.Equal(b, reopened.List().Single(p => p.Kind == PinKind.Recursive).Cid);
    }

    [Fact]
    public void Open_TornTempFileOfInterruptedWrite_PinSetIntact()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var a = TestBlocks.Raw(1).Cid;
        PinStore.Open(path).Add(a, PinKind.Recursive);
        // A crash during the next save leaves a half-written temp file beside the real one.
        var complete = File.ReadAllBytes(path);
        File.WriteAllBytes(path + ".deadbeef.tmp", complete[..(complete.Length / 2)]);

        var reopened = PinStore.Open(path);

        Assert.Equal([new Pin(a, PinKind.Recursive)], reopened.List());
    }

    [Fact]
    public void Open_DamagedPinFile_RecoveredFromBackup()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var a = TestBlocks.Raw(1).Cid;
        PinStore.Open(path).Add(a, PinKind.Recursive);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 5)]);

        var reopened = PinStore.Open(path);

        Assert.Equal([new Pin(a, PinKind.Recursive)], reopened.List());
        Assert.Contains(path, reopened.Recovery, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_DamagedPinFileAndBackup_RefusesRatherThanLosePins()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        PinStore.Open(path).Add(TestBlocks.Raw(1).Cid, PinKind.Recursive);
        foreach (var copy in new[] { path, path + ".bak" })
        {
            var bytes = File.ReadAllBytes(copy);
            File.WriteAllBytes(copy, bytes[..(bytes.Length - 5)]);
        }

        var pins = PinStore.Open(path);

        var error = Assert.Throws<RepoException>(pins.List);
        Assert.Equal(RepoErrorReason.Corrupt, error.Reason);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Throws<RepoException>(() => pins.Add(TestBlocks.Raw(2).Cid, PinKind.Direct));
    }

    [Fact]
    public void Add_SaveFails_MemoryMatchesDisk()
    {
        using var dir = new TempDirectory();
        var path = Path.Join(dir.Path, "sub", "pins.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pins = PinStore.Open(path);
        var a = TestBlocks.Raw(1).Cid;
        pins.Add(a, PinKind.Direct);
        // Removing the directory makes the next save fail.
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);

        Assert.ThrowsAny<IOException>(() => pins.Add(TestBlocks.Raw(2).Cid, PinKind.Direct));
        Assert.ThrowsAny<IOException>(() => pins.Remove(a));

        Assert.Equal([new Pin(a, PinKind.Direct)], pins.List());
    }
}
