using System.Text;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Storage;
using P2P.Node.Tests.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// The daemon's multipart add imported part by part as the parts arrive (no scratch copy): whatever the order of the
/// parts, the entries and CIDs are those of an offline add of the same tree, each file is stored while its part is
/// read, and the blocks it lists are exactly the DAG's.
/// </summary>
public sealed class UploadImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>The tree as kubo's client sends it: (path, kind, body); kind f = file, d = directory, l = symlink.</summary>
    private readonly (string Path, char Kind, byte[] Body)[] _parts;

    public UploadImportTests()
    {
        _parts =
        [
            ("d", 'd', []),
            ("d/a.txt", 'f', "hello world"u8.ToArray()),
            ("d/Z.txt", 'f', []),
            ("d/.hidden", 'f', "x\n"u8.ToArray()),
            ("d/b", 'd', []),
            ("d/b/c.bin", 'f', ChaChaStream.Generate("upload-seed", 700_000)),
            ("d/b/self", 'l', "."u8.ToArray()),
            ("d/empty", 'd', []),
            ("d/ü.txt", 'f', "umlaut"u8.ToArray()),
        ];
        foreach (var (path, kind, body) in _parts)
        {
            var full = _dir.Join(path);
            switch (kind)
            {
                case 'd':
                    Directory.CreateDirectory(full);
                    break;
                case 'l':
                    File.CreateSymbolicLink(full, Encoding.UTF8.GetString(body));
                    break;
                default:
                    File.WriteAllBytes(full, body);
                    break;
            }
        }
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0, false, 1)]
    [InlineData(1, false, 2)]
    [InlineData(1, true, 3)]
    public async Task Finish_PartsInAnyOrder_SameEntriesAsOfflineAdd(int cidVersion, bool hidden, int seed)
    {
        var options = new ImportOptions { CidVersion = cidVersion, IncludeHidden = hidden, Chunker = P2P.Node.Content.Chunking.ChunkerSpec.FixedSize(65536) };
        var offline = await UnixFsImporter.ImportPathAsync(_dir.Join("d"), true, options, new MemoryBlockStore());
        // Files before their directories, directories left out: the tree is only known once every part is in.
        var shuffled = _parts.Where(p => p.Path != "d/b").ToArray();
        new Random(seed).Shuffle(shuffled);

        var upload = new UploadImport(options, new MemoryBlockStore(), null, wrap: false, _ => null, CancellationToken.None);
        await FeedAsync(upload, shuffled);
        var unit = Assert.Single(upload.Finish());

        Assert.Equal(offline, unit);
    }

    [Fact]
    public async Task Finish_Wrap_SameAsOfflineWrappedAdd()
    {
        var options = new ImportOptions();
        File.WriteAllText(_dir.Join("solo.txt"), "solo");
        using var stdin = new MemoryStream("piped\n"u8.ToArray());
        var offline = await UnixFsImporter.ImportWrappedAsync(
            [ImportInput.FromPath(_dir.Join("solo.txt")), ImportInput.FromPath(_dir.Join("d")), ImportInput.FromStream(stdin, null)],
            options, new MemoryBlockStore());

        var upload = new UploadImport(options, new MemoryBlockStore(), null, wrap: true, _ => null, CancellationToken.None);
        await upload.AddFileAsync("solo.txt", new MemoryStream("solo"u8.ToArray()));
        await FeedAsync(upload, _parts);
        await upload.AddFileAsync("", new MemoryStream("piped\n"u8.ToArray()));
        var unit = Assert.Single(upload.Finish());

        Assert.Equal(offline, unit);
        Assert.Equal("", unit[^1].Path);
    }

    [Fact]
    public async Task AddFileAsync_ForwardOnlyStream_StoredBeforeTheNextPart()
    {
        var store = new MemoryBlockStore();
        var stored = new StoredBlocks();
        var upload = new UploadImport(new ImportOptions { Chunker = P2P.Node.Content.Chunking.ChunkerSpec.FixedSize(65536) }, store, stored, wrap: false, _ => null, CancellationToken.None);
        var data = ChaChaStream.Generate("forward-only", 300_000);

        await upload.AddFileAsync("big.bin", new ForwardOnlyStream(data));

        // Five leaves of 64 KiB and their parent are in the store once the part is read, before Finish.
        Assert.Equal(6, store.Count);
        var root = Assert.Single(Assert.Single(upload.Finish()));
        Assert.Equal(300_000, root.Size);
        Assert.Equal(5, stored.Without(root.Cid.Multihash).Count);
    }

    [Fact]
    public async Task StoredBlocks_ListsEveryBlockOfTheDagOnce()
    {
        var store = new MemoryBlockStore();
        var stored = new StoredBlocks();
        var options = new ImportOptions { Chunker = P2P.Node.Content.Chunking.ChunkerSpec.FixedSize(65536), CidVersion = 0 };
        var upload = new UploadImport(options, store, stored, wrap: false, _ => null, CancellationToken.None);
        await FeedAsync(upload, _parts);
        // The same file twice stores its blocks twice; the list still names each once.
        await FeedAsync(upload, [("copy/c.bin", 'f', _parts[5].Body)]);
        var units = upload.Finish();

        var walked = new HashSet<P2P.Node.Multiformats.Multihash>();
        foreach (var unit in units)
        {
            var dag = await LocalContent.WalkAsync(unit[^1].Cid, new OfflineBlockGetter(store), CancellationToken.None);
            walked.UnionWith(dag.Select(c => c.Multihash));
        }
        var listed = stored.Without(null);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(walked.OrderBy(m => m.ToString()), listed.OrderBy(m => m.ToString()));
    }

    [Theory]
    [InlineData("d/a.txt", "is given twice")]
    [InlineData("d/a.txt/x", "goes through the file 'd/a.txt'")]
    [InlineData("d/b/self/x", "goes through the symlink 'd/b/self'")]
    [InlineData("d/../x", "leaves the upload")]
    public async Task AddFileAsync_BadName_IsRefused(string name, string message)
    {
        var upload = new UploadImport(new ImportOptions(), new MemoryBlockStore(), null, wrap: false, _ => null, CancellationToken.None);
        await FeedAsync(upload, _parts);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => upload.AddFileAsync(name, new MemoryStream([1])));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddUploadAsync_FeedFailsMidFile_PinsNothingAndReleasesTheGcGate()
    {
        using var node = LocalContent.Open(InitRepo());
        var data = ChaChaStream.Generate("cut", 200_000);

        await Assert.ThrowsAsync<IOException>(() => node.AddUploadAsync(
            upload => upload.AddFileAsync("cut.bin", new ForwardOnlyStream(data, failAfter: 100_000)),
            new ImportOptions { Chunker = P2P.Node.Content.Chunking.ChunkerSpec.FixedSize(65536) }, wrap: false, pin: true, null, _ => null, CancellationToken.None));

        Assert.Empty(node.Pins());
        // gc takes the gate exclusively: it would wait forever if the failed upload had kept its shared scope.
        node.CollectGarbage(CancellationToken.None);
        Assert.Equal(0, node.Stat().BlockCount);
    }

    private string InitRepo()
    {
        var path = _dir.Join("repo");
        Repo.Init(path).Dispose();
        return path;
    }

    private static async Task FeedAsync(UploadImport upload, IEnumerable<(string Path, char Kind, byte[] Body)> parts)
    {
        foreach (var (path, kind, body) in parts)
        {
            switch (kind)
            {
                case 'd':
                    upload.AddDirectory(path);
                    break;
                case 'l':
                    upload.AddSymlink(path, Encoding.UTF8.GetString(body));
                    break;
                default:
                    await upload.AddFileAsync(path, new ForwardOnlyStream(body));
                    break;
            }
        }
    }
}
