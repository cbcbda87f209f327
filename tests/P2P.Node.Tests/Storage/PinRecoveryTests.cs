using System.Text;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

/// <summary>
/// Issue 11 item 9 (pins): a lost, damaged or replaced pin file is noticed through the marker and recovered from
/// the backup; when it cannot be, gc refuses instead of treating the repo as having no pins.
/// </summary>
public class PinRecoveryTests
{
    private static readonly Cid A = TestBlocks.Raw(1).Cid;
    private static readonly Cid B = TestBlocks.Raw(2).Cid;

    [Fact]
    public void Open_PinFileDeleted_RecoveredFromBackup()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var pins = PinStore.Open(path);
        pins.Add(A, PinKind.Recursive);
        pins.Add(B, PinKind.Direct);
        File.Delete(path);

        var reopened = PinStore.Open(path);

        Assert.Equal(pins.List(), reopened.List());
        Assert.Null(reopened.Problem);
        Assert.Contains("recovered 2 pins", reopened.Recovery, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        Assert.Null(PinStore.Open(path).Recovery);
    }

    [Fact]
    public void Open_PinFileAndBackupDeleted_SetUnknownNotEmpty()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        PinStore.Open(path).Add(A, PinKind.Recursive);
        File.Delete(path);
        File.Delete(path + ".bak");

        var reopened = PinStore.Open(path);

        Assert.Contains("records generation 1 with 1 pins", reopened.Problem, StringComparison.Ordinal);
        Assert.Equal(RepoErrorReason.Corrupt, Assert.Throws<RepoException>(reopened.List).Reason);
        // Nothing was rewritten: restoring the file is still possible and the marker still tells.
        Assert.False(File.Exists(path));
        Assert.NotNull(PinStore.Open(path).Problem);
    }

    [Fact]
    public void Open_OlderGenerationPutBack_Refused()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var pins = PinStore.Open(path);
        pins.Add(A, PinKind.Recursive);
        var old = File.ReadAllBytes(path);
        pins.Add(B, PinKind.Recursive);
        File.WriteAllBytes(path, old);
        File.WriteAllBytes(path + ".bak", old);

        var reopened = PinStore.Open(path);

        Assert.Contains("generation 1, not the 2 last saved", reopened.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PinFileReplacedByValidButAlteredSet_RecoveredFromBackup()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var pins = PinStore.Open(path);
        pins.Add(A, PinKind.Recursive);
        pins.Add(B, PinKind.Recursive);
        // Same generation, one pin dropped: valid JSON, but not the bytes the marker vouches for.
        var text = File.ReadAllText(path);
        var edited = PinStore.Open(dir.Join("other.json"));
        edited.Add(A, PinKind.Recursive);
        File.WriteAllText(path, File.ReadAllText(dir.Join("other.json")).Replace("\"generation\": 1", "\"generation\": 2", StringComparison.Ordinal));
        Assert.NotEqual(text, File.ReadAllText(path));

        var reopened = PinStore.Open(path);

        Assert.Equal(2, reopened.List().Count);
        Assert.Contains("altered", reopened.Recovery, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CrashAfterPinFileBeforeMarker_NewerPinFileKept()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        var marker = dir.Join("pins.state");
        var pins = PinStore.Open(path);
        pins.Add(A, PinKind.Recursive);
        var markerBefore = File.ReadAllBytes(marker);
        var backupBefore = File.ReadAllBytes(path + ".bak");
        pins.Add(B, PinKind.Direct);
        // What a crash between the pin file's rename and the marker's leaves: pins.json one generation ahead.
        File.WriteAllBytes(marker, markerBefore);
        File.WriteAllBytes(path + ".bak", backupBefore);

        var reopened = PinStore.Open(path);

        Assert.Equal(pins.List(), reopened.List());
        Assert.Null(reopened.Recovery);
        Assert.NotEqual(markerBefore, File.ReadAllBytes(marker));
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(path + ".bak"));
    }

    [Fact]
    public void Open_MarkerDeleted_PinFileTrustedAndMarkerRewritten()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        PinStore.Open(path).Add(A, PinKind.Direct);
        File.Delete(dir.Join("pins.state"));

        var reopened = PinStore.Open(path);

        Assert.Equal([new Pin(A, PinKind.Direct)], reopened.List());
        Assert.True(File.Exists(dir.Join("pins.state")));
    }

    [Fact]
    public void Open_Version1FileOfOlderRepo_LoadsAndGainsMarkerAndBackup()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        File.WriteAllText(path, $"{{\"version\":1,\"pins\":[{{\"cid\":\"{A}\",\"kind\":\"recursive\"}}]}}", Encoding.UTF8);

        var pins = PinStore.Open(path);

        Assert.Equal([new Pin(A, PinKind.Recursive)], pins.List());
        Assert.True(File.Exists(dir.Join("pins.state")));
        Assert.True(File.Exists(path + ".bak"));
        File.Delete(path);
        Assert.Equal([new Pin(A, PinKind.Recursive)], PinStore.Open(path).List());
    }

    [Fact]
    public void Open_NothingEverPinnedAndFilesDeleted_EmptyNotDamaged()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins.json");
        PinStore.Open(path);
        File.Delete(path);
        File.Delete(path + ".bak");

        var pins = PinStore.Open(path);

        Assert.Null(pins.Problem);
        Assert.Empty(pins.List());
    }

    [Fact]
    public void CollectGarbage_PinFilesLost_RefusedAndNothingRemoved()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        var kept = TestBlocks.Raw(1);
        var unpinned = TestBlocks.Raw(2);
        using (var repo = Repo.Init(path))
        {
            repo.Blocks.Put(kept.Cid, kept.Data);
            repo.Blocks.Put(unpinned.Cid, unpinned.Data);
            repo.Pins.Add(kept.Cid, PinKind.Recursive);
        }
        File.Delete(Path.Join(path, "pins.json"));
        File.Delete(Path.Join(path, "pins.json.bak"));

        using var reopened = Repo.Open(path);
        var error = Assert.Throws<RepoException>(() => reopened.CollectGarbage(TestBlocks.Decoder));

        Assert.Equal(RepoErrorReason.Corrupt, error.Reason);
        Assert.StartsWith("gc refused, nothing removed: pin set lost", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(reopened.Blocks.Has(kept.Cid));
        Assert.True(reopened.Blocks.Has(unpinned.Cid));
    }

    [Fact]
    public void RepoOpen_PinFileDeleted_GcKeepsPinnedData()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("repo");
        var kept = TestBlocks.Raw(1);
        var garbage = TestBlocks.Raw(2);
        using (var repo = Repo.Init(path))
        {
            repo.Blocks.Put(kept.Cid, kept.Data);
            repo.Blocks.Put(garbage.Cid, garbage.Data);
            repo.Pins.Add(kept.Cid, PinKind.Recursive);
        }
        File.Delete(Path.Join(path, "pins.json"));

        using var reopened = Repo.Open(path);
        var result = reopened.CollectGarbage(TestBlocks.Decoder);

        Assert.Equal([garbage.Cid], result.Removed);
        Assert.True(reopened.Blocks.Has(kept.Cid));
        Assert.NotNull(reopened.Pins.Recovery);
    }
}
