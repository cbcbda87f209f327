using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Content.UnixFs;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// `add -r` of a small tree. The expected CIDs came from ipfs-unixfs-importer configured as kubo
/// (/work/shared/peers, kubo-compat.mjs) on the same tree, with the dot-file left out.
/// </summary>
public sealed class DirectoryImportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "p2p-content-tests-" + Guid.NewGuid().ToString("N"));

    public DirectoryImportTests()
    {
        var d = Path.Combine(_root, "d");
        Directory.CreateDirectory(Path.Combine(d, "b"));
        Directory.CreateDirectory(Path.Combine(d, "empty"));
        File.WriteAllText(Path.Combine(d, "a.txt"), "hello world");
        File.WriteAllBytes(Path.Combine(d, "Z.txt"), []);
        File.WriteAllText(Path.Combine(d, ".hidden"), "x\n");
        File.WriteAllBytes(Path.Combine(d, "b", "c.bin"), ChaChaStream.Generate("dir-seed", 300_000));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(0, "QmZBYyv22271Z6uuCSy1FLvXnSeHqxTmnrPM4p7pfCUNgH", "Qma4HZnm5p83jFbczNYmXz4RcpAwkYUbtPNSCR6d7enLrB", 300404)]
    [InlineData(1, "bafybeiegy54lurgrrdi4265rnj4o3peaohq47cq6sabq442cz4gvu6kequ", "bafybeibctps5tgr3nvrcot4rutg6sxlcnl5viqlhwzmiz3iqbofwf6h4fi", 300376)]
    public async Task ImportPathAsync_Tree_MatchesReferenceAndSkipsDotFiles(int version, string root, string sub, long dagSize)
    {
        var entries = await UnixFsImporter.ImportPathAsync(Path.Combine(_root, "d"), true, new ImportOptions { CidVersion = version }, new MemoryBlockStore());
        Assert.Equal(["d/Z.txt", "d/a.txt", "d/b/c.bin", "d/b", "d/empty", "d"], entries.Select(e => e.Path));
        Assert.Equal(root, entries[^1].Cid.ToString());
        Assert.Equal(dagSize, entries[^1].DagSize);
        Assert.Equal(sub, entries[3].Cid.ToString());
        Assert.Equal(version == 0 ? "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn" : "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354",
            entries[4].Cid.ToString());
        Assert.Equal((UnixFsType.File, 300_000L), (entries[2].Kind, entries[2].Size));
    }

    [Fact]
    public async Task ImportPathAsync_IncludeHidden_AddsDotFiles()
    {
        var entries = await UnixFsImporter.ImportPathAsync(Path.Combine(_root, "d"), true, new ImportOptions { IncludeHidden = true }, new MemoryBlockStore());
        Assert.Contains(entries, e => e.Path == "d/.hidden");
        Assert.NotEqual("bafybeiegy54lurgrrdi4265rnj4o3peaohq47cq6sabq442cz4gvu6kequ", entries[^1].Cid.ToString());
    }

    [Fact]
    public async Task ImportPathAsync_DirectoryWithoutRecursive_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            UnixFsImporter.ImportPathAsync(Path.Combine(_root, "d"), false, new ImportOptions(), new MemoryBlockStore()));
    }

    [Fact]
    public async Task ImportPathAsync_SingleFile_IsOneEntry()
    {
        var entries = await UnixFsImporter.ImportPathAsync(Path.Combine(_root, "d", "a.txt"), false, new ImportOptions(), new MemoryBlockStore());
        var entry = Assert.Single(entries);
        Assert.Equal(("a.txt", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"), (entry.Path, entry.Cid.ToString()));
    }

    [Fact]
    public async Task ExportAsync_ImportedTreeWithSymlink_IsWrittenBackIdentically()
    {
        var d = Path.Combine(_root, "d");
        File.CreateSymbolicLink(Path.Combine(d, "link"), "a.txt");
        var store = new MemoryBlockStore();
        var entries = await UnixFsImporter.ImportPathAsync(d, true, new ImportOptions { ChunkSize = 65536 }, store);
        var link = Assert.Single(entries, e => e.Path == "d/link");
        Assert.Equal((UnixFsType.Symlink, 5L), (link.Kind, link.Size));

        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));
        var listing = await exporter.ListAsync(entries[^1].Cid);
        Assert.Equal(["Z.txt", "a.txt", "b", "empty", "link"], listing.Select(e => e.Name));
        Assert.Equal([UnixFsType.File, UnixFsType.File, UnixFsType.Directory, UnixFsType.Directory, UnixFsType.Symlink], listing.Select(e => e.Type!.Value));
        Assert.Equal("a.txt", (await exporter.StatAsync(link.Cid)).SymlinkTarget);
        Assert.Equal(entries[2].Cid, await exporter.ResolveAsync(entries[^1].Cid + "/b/c.bin"));

        var target = Path.Combine(_root, "out");
        await exporter.ExportAsync(entries[^1].Cid, target);
        Assert.Equal(File.ReadAllBytes(Path.Combine(d, "b", "c.bin")), File.ReadAllBytes(Path.Combine(target, "b", "c.bin")));
        Assert.Equal("hello world", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Empty(File.ReadAllBytes(Path.Combine(target, "Z.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(target, "empty")));
        Assert.Equal("a.txt", new FileInfo(Path.Combine(target, "link")).LinkTarget);
        Assert.False(File.Exists(Path.Combine(target, ".hidden")));
    }
}
