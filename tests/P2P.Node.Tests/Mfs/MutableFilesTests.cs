using System.Text;
using P2P.Node.Content.Importing;
using P2P.Node.Errors;
using P2P.Node.Mfs;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Mfs;

/// <summary>The `files` operations with kubo's semantics and sentences (boxo mfs, kubo core/commands/files.go).</summary>
public class MutableFilesTests
{
    [Fact]
    public void RootCid_NewRepo_IsKubosEmptyDirectory()
    {
        using var repo = new MfsRepo();
        Assert.Equal("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", repo.Files.RootCid.ToString());
        Assert.Equal(repo.Files.RootCid, MfsRootFile.Read(repo.Path));
    }

    [Fact]
    public async Task Mkdir_MissingParentWithoutP_FileDoesNotExist()
    {
        using var repo = new MfsRepo();
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.Files.MkdirAsync("/a/b", false, null, default));
        Assert.Equal("file does not exist", e.Message);
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        await repo.Files.MkdirAsync("/a/b", true, null, default);
        Assert.Equal(["b"], await repo.NamesAsync("/a"));
    }

    [Fact]
    public async Task Mkdir_Existing_FailsWithoutPAndIsQuietWithP()
    {
        using var repo = new MfsRepo();
        await repo.Files.MkdirAsync("/a", false, null, default);
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.Files.MkdirAsync("/a", false, null, default));
        Assert.Equal("file already exists", e.Message);
        var before = repo.Files.RootCid;
        await repo.Files.MkdirAsync("/a", true, null, default);
        Assert.Equal(before, repo.Files.RootCid);
        var root = await Assert.ThrowsAsync<P2PException>(() => repo.Files.MkdirAsync("/", false, null, default));
        Assert.Equal("cannot create directory '/': Already exists", root.Message);
    }

    [Fact]
    public async Task Path_WithoutLeadingSlash_IsRefused()
    {
        using var repo = new MfsRepo();
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.Files.MkdirAsync("a", false, null, default));
        Assert.Equal("paths must start with a leading slash", e.Message);
        Assert.Equal(ErrorKind.BadInput, e.Kind);
    }

    [Fact]
    public async Task Write_CreateThenRead_GivesTheBytesAndTheCidAddGives()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/hello.txt", "hello world");
        Assert.Equal("hello world", await repo.ReadAsync("/hello.txt"));
        // A new file under a CIDv0 directory is built as `add --cid-version 0` builds it.
        var added = await UnixFsImporter.ImportFileAsync(new MemoryStream(Encoding.UTF8.GetBytes("hello world")), ImportOptions.KuboV0, new MemoryBlockStore());
        Assert.Equal(added.Root, (await repo.Files.StatAsync("/hello.txt", default)).Hash is var h ? Cid.Parse(h) : null);
    }

    [Fact]
    public async Task Write_MissingWithoutCreate_FileDoesNotExist()
    {
        using var repo = new MfsRepo();
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.WriteAsync("/x", "data", new MfsWriteOptions()));
        Assert.Equal("file does not exist", e.Message);
    }

    [Fact]
    public async Task Write_OffsetPastTheEnd_FillsTheGapWithZeros()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/f", "abc");
        await repo.WriteAsync("/f", "xyz", new MfsWriteOptions { Offset = 6 });
        Assert.Equal("abc\0\0\0xyz", await repo.ReadAsync("/f"));
    }

    [Fact]
    public async Task Write_OffsetInside_OverwritesAndKeepsTheTail()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/f", "0123456789");
        await repo.WriteAsync("/f", "ab", new MfsWriteOptions { Offset = 3 });
        Assert.Equal("012ab56789", await repo.ReadAsync("/f"));
    }

    [Fact]
    public async Task Write_TruncateAndCount_CutTheFileAndTheInput()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/f", "a long first version");
        await repo.WriteAsync("/f", "short", new MfsWriteOptions { Truncate = true, Count = 3 });
        Assert.Equal("sho", await repo.ReadAsync("/f"));
    }

    [Fact]
    public async Task Write_LargeFileAtAnOffset_SplicesAcrossChunks()
    {
        using var repo = new MfsRepo();
        var data = new byte[700_000];
        new Random(16).NextBytes(data);
        await repo.Files.WriteAsync("/big", new MemoryStream(data), new MfsWriteOptions { Create = true }, default);
        await repo.Files.WriteAsync("/big", new MemoryStream(new byte[] { 1, 2, 3 }), new MfsWriteOptions { Offset = 300_000 }, default);
        data[300_000] = 1;
        data[300_001] = 2;
        data[300_002] = 3;
        var range = await repo.Files.OpenReadAsync("/big", 0, null, default);
        var read = new MemoryStream();
        await foreach (var piece in repo.Files.ReadAsync(range, default))
            read.Write(piece.Span);
        Assert.Equal(data, read.ToArray());
        Assert.Equal(700_000ul, (await repo.Files.StatAsync("/big", default)).Size);
    }

    [Fact]
    public async Task Write_ToADirectory_WasNotAFile()
    {
        using var repo = new MfsRepo();
        await repo.Files.MkdirAsync("/d", false, null, default);
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.WriteAsync("/d", "x"));
        Assert.Equal("/d was not a file", e.Message);
    }

    [Fact]
    public async Task Read_OffsetAndCount_AndTheirErrors()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/f", "0123456789");
        Assert.Equal("345", await repo.ReadAsync("/f", 3, 3));
        Assert.Equal("", await repo.ReadAsync("/f", 10));
        var past = await Assert.ThrowsAsync<P2PException>(() => repo.ReadAsync("/f", 11));
        Assert.Equal("offset was past end of file (11 > 10)", past.Message);
        var missing = await Assert.ThrowsAsync<P2PException>(() => repo.ReadAsync("/nope"));
        Assert.Equal("/nope: file does not exist", missing.Message);
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        var directory = await Assert.ThrowsAsync<P2PException>(() => repo.ReadAsync("/"));
        Assert.Equal("/ was not a file", directory.Message);
    }

    [Fact]
    public async Task List_Long_GivesTypesSizesAndHashes()
    {
        using var repo = new MfsRepo();
        await repo.Files.MkdirAsync("/d", false, null, default);
        await repo.WriteAsync("/f", "12345");
        var entries = await repo.Files.ListAsync("/", true, default);
        var d = Assert.Single(entries, e => e.Name == "d");
        var f = Assert.Single(entries, e => e.Name == "f");
        Assert.Equal(MfsListing.DirectoryType, d.Type);
        Assert.Equal(MfsListing.FileType, f.Type);
        Assert.Equal(5, f.Size);
        Assert.Equal((await repo.Files.StatAsync("/f", default)).Hash, f.Hash);
        var one = Assert.Single(await repo.Files.ListAsync("/f", false, default));
        Assert.Equal(new MfsListing("f", 0, 0, ""), one);
    }

    [Fact]
    public async Task Stat_Directory_CountsLinksAndCumulativeSize()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/a", "aaaa");
        await repo.WriteAsync("/b", "bb");
        var root = await repo.Files.StatAsync("/", default);
        Assert.Equal("directory", root.Type);
        Assert.Equal(2, root.Blocks);
        Assert.Equal(0ul, root.Size);
        var a = await repo.Files.StatAsync("/a", default);
        var b = await repo.Files.StatAsync("/b", default);
        Assert.True(root.CumulativeSize > a.CumulativeSize + b.CumulativeSize);
        Assert.Equal(repo.Files.RootCid.ToString(), root.Hash);
        Assert.Equal(4ul, a.Size);
        Assert.Equal("file", a.Type);
    }

    [Fact]
    public async Task Remove_NonEmptyDirectoryWithoutR_IsRefusedAndKept()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/d/f", "x", new MfsWriteOptions { Create = true, Parents = true });
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.Files.RemoveAsync(["/d"], false, false, default));
        Assert.Equal("/d: path is a directory, use -r to remove directories", e.Message);
        Assert.Equal(["d"], await repo.NamesAsync("/"));
        await repo.Files.RemoveAsync(["/d"], true, false, default);
        Assert.Empty(await repo.NamesAsync("/"));
    }

    [Fact]
    public async Task Remove_MissingAndRoot_ErrorsButForceIsQuiet()
    {
        using var repo = new MfsRepo();
        var missing = await Assert.ThrowsAsync<P2PException>(() => repo.Files.RemoveAsync(["/x"], false, false, default));
        Assert.Equal("/x: file does not exist", missing.Message);
        await repo.Files.RemoveAsync(["/x", "/y/z"], false, true, default);
        var root = await Assert.ThrowsAsync<P2PException>(() => repo.Files.RemoveAsync(["/"], true, false, default));
        Assert.Equal("/: cannot delete root", root.Message);
    }

    [Fact]
    public async Task Move_OntoAnExistingFile_ReplacesIt()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/a", "new");
        await repo.WriteAsync("/b", "old");
        await repo.Files.MoveAsync("/a", "/b", default);
        Assert.Equal(["b"], await repo.NamesAsync("/"));
        Assert.Equal("new", await repo.ReadAsync("/b"));
    }

    [Fact]
    public async Task Move_OntoADirectory_MovesIntoIt()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/a", "x");
        await repo.Files.MkdirAsync("/d", false, null, default);
        await repo.Files.MoveAsync("/a", "/d", default);
        Assert.Equal(["d"], await repo.NamesAsync("/"));
        Assert.Equal("x", await repo.ReadAsync("/d/a"));
        var itself = await Assert.ThrowsAsync<P2PException>(() => repo.Files.MoveAsync("/d", "/d/e", default));
        Assert.Contains("into itself", itself.Message);
    }

    [Fact]
    public async Task Copy_FromIpfsPath_LinksTheDagWithoutCopyingIt()
    {
        using var repo = new MfsRepo();
        var added = await repo.Node.AddStreamAsync(new MemoryStream(Encoding.UTF8.GetBytes("from ipfs")), new ImportOptions(), false, null, null, default);
        await repo.Files.CopyAsync($"/ipfs/{added.Root}", "/copied", false, false, null, default);
        Assert.Equal("from ipfs", await repo.ReadAsync("/copied"));
        Assert.Equal(added.Root.ToString(), (await repo.Files.StatAsync("/copied", default)).Hash);
        var again = await Assert.ThrowsAsync<P2PException>(() => repo.Files.CopyAsync($"/ipfs/{added.Root}", "/copied", false, false, null, default));
        Assert.Equal("cp: cannot put node in path /copied: directory already has entry by that name", again.Message);
        await repo.Files.CopyAsync("/copied", "/dir/", true, false, null, default);
        Assert.Equal("from ipfs", await repo.ReadAsync("/dir/copied"));
    }

    [Fact]
    public async Task Copy_MissingSource_SaysWhichPath()
    {
        using var repo = new MfsRepo();
        var e = await Assert.ThrowsAsync<P2PException>(() => repo.Files.CopyAsync("/nope", "/x", false, false, null, default));
        Assert.Equal("cp: cannot get node from path /nope: file does not exist", e.Message);
        Assert.Equal(ErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task ChangeCid_Directory_TakesTheNewVersionAndNewFilesInheritIt()
    {
        using var repo = new MfsRepo();
        await repo.Files.MkdirAsync("/d", false, null, default);
        Assert.StartsWith("Qm", (await repo.Files.StatAsync("/d", default)).Hash);
        await repo.Files.ChangeCidAsync("/d", MfsPrefix.FromOptions(1, null), default);
        Assert.StartsWith("bafy", (await repo.Files.StatAsync("/d", default)).Hash);
        await repo.WriteAsync("/d/f", "x");
        Assert.StartsWith("bafk", (await repo.Files.StatAsync("/d/f", default)).Hash);
        var file = await Assert.ThrowsAsync<P2PException>(() => repo.Files.ChangeCidAsync("/d/f", MfsPrefix.FromOptions(1, null), default));
        Assert.Equal("can only update directories", file.Message);
        var root = await Assert.ThrowsAsync<P2PException>(() => repo.Files.ChangeCidAsync("/", MfsPrefix.FromOptions(1, null), default));
        Assert.StartsWith("cannot change CID format of the MFS root", root.Message);
    }

    [Fact]
    public async Task Root_AfterReopen_IsTheLastOneWritten()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/a/b", "kept", new MfsWriteOptions { Create = true, Parents = true });
        var root = repo.Files.RootCid;
        repo.Reopen();
        Assert.Equal(root, repo.Files.RootCid);
        Assert.Equal("kept", await repo.ReadAsync("/a/b"));
        Assert.Equal(root, await repo.Files.FlushAsync("/", default));
    }

    [Fact]
    public async Task Gc_KeepsWhatMfsReferencesAndRemovesTheRest()
    {
        using var repo = new MfsRepo();
        var data = new byte[600_000];
        new Random(17).NextBytes(data);
        await repo.Files.WriteAsync("/big", new MemoryStream(data), new MfsWriteOptions { Create = true, Parents = true }, default);
        await repo.WriteAsync("/small", "replaced soon");
        await repo.WriteAsync("/small", "now", new MfsWriteOptions { Truncate = true });
        var result = repo.Node.CollectGarbage(default);
        Assert.NotEmpty(result.Removed);
        repo.Reopen();
        var range = await repo.Files.OpenReadAsync("/big", 0, null, default);
        var read = new MemoryStream();
        await foreach (var piece in repo.Files.ReadAsync(range, default))
            read.Write(piece.Span);
        Assert.Equal(data, read.ToArray());
        Assert.Equal("now", await repo.ReadAsync("/small"));
    }

    [Fact]
    public async Task Gc_PartialDagLinkedByCopy_DoesNotStopGc()
    {
        using var repo = new MfsRepo();
        var data = new byte[600_000];
        new Random(18).NextBytes(data);
        var added = await repo.Node.AddStreamAsync(new MemoryStream(data), new ImportOptions(), false, null, null, default);
        await repo.Files.CopyAsync($"/ipfs/{added.Root}", "/partial", false, false, null, default);
        // A leaf gone (as if never fetched): gc walks the MFS root best-effort, as kubo does, and removes nothing it needs.
        var leaf = P2P.Node.Content.DagPb.DagPbLinkDecoder.Instance.GetLinks(added.Root, repo.Node.Blocks.Get(added.Root)!).First();
        Assert.True(repo.Node.Blocks.Delete(leaf));
        var result = repo.Node.CollectGarbage(default);
        Assert.True(repo.Node.Blocks.Has(added.Root));
        Assert.DoesNotContain(result.Removed, c => c.Multihash == added.Root.Multihash);
    }

    [Fact]
    public async Task Gc_ADamagedMfsDirectoryBlock_StopsGcAndRemovesNothing()
    {
        using var repo = new MfsRepo();
        await repo.WriteAsync("/docs/a.txt", "kept whatever gc finds", new MfsWriteOptions { Create = true, Parents = true });
        var docs = Cid.Parse((await repo.Files.StatAsync("/docs", default)).Hash);
        var file = Cid.Parse((await repo.Files.StatAsync("/docs/a.txt", default)).Hash);
        // The directory block is here but its bytes no longer decode (one bad byte on disk): its children must not be
        // taken for garbage.
        Assert.True(repo.Node.Blocks.Delete(docs));
        repo.Node.Blocks.Put(docs, [0xff, 0xff, 0xff]);
        var e = Assert.Throws<RepoException>(() => repo.Node.CollectGarbage(default));
        Assert.Contains("does not decode", e.Message, StringComparison.Ordinal);
        Assert.True(repo.Node.Blocks.Has(file));
    }
}
