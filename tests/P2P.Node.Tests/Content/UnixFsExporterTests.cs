using System.Text;
using P2P.Node.Content.DagPb;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

public class UnixFsExporterTests
{
    private static readonly ImportOptions Small = new() { ChunkSize = 100, MaxLinks = 3 };

    private static async Task<(Cid Root, byte[] Data, MemoryBlockStore Store)> Import(int length, ImportOptions options)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var store = new MemoryBlockStore();
        using var stream = new MemoryStream(data);
        var result = await UnixFsImporter.ImportFileAsync(stream, options, store);
        return (result.Root, data, store);
    }

    private static async Task<byte[]> Read(UnixFsExporter exporter, Cid cid, long offset = 0, long? length = null)
    {
        using var output = new MemoryStream();
        await exporter.WriteFileAsync(cid, output, offset, length);
        return output.ToArray();
    }

    [Fact]
    public async Task WriteFileAsync_MultiLevelFile_ReturnsTheBytes()
    {
        var (root, data, store) = await Import(5000, Small);
        Assert.Equal(data, await Read(new UnixFsExporter(new OfflineBlockGetter(store)), root));
    }

    [Fact]
    public async Task WriteFileAsync_LastByte_FetchesOnlyOnePathFromTheRoot()
    {
        var (root, data, store) = await Import(2700, Small); // 27 leaves, 3 levels of file nodes
        var getter = new CountingBlockGetter(store);
        var tail = await Read(new UnixFsExporter(getter), root, 2699, 10);
        Assert.Equal(data[2699..], tail);
        Assert.Equal(4, getter.Fetches);
    }

    [Fact]
    public async Task WriteFileAsync_ReadAhead_StaysWithinItsBudget()
    {
        var (root, data, store) = await Import(100 * 1000, new ImportOptions { ChunkSize = 100, MaxLinks = 174 });
        var getter = new CountingBlockGetter(store);
        Assert.Equal(data, await Read(new UnixFsExporter(getter, readAhead: 8), root));
        Assert.True(getter.MaxInFlight <= 8 + 3, $"{getter.MaxInFlight} fetches were in flight");
        Assert.True(getter.MaxInFlight > 1, "read-ahead never overlapped fetches");
    }

    [Fact]
    public async Task WriteFileAsync_DeepTree_KeepsTheBudgetForLeaves()
    {
        var (root, data, store) = await Import(100_000, new ImportOptions { ChunkSize = 100, MaxLinks = 10 });
        var getter = new CountingBlockGetter(store);
        Assert.Equal(data, await Read(new UnixFsExporter(getter, readAhead: 12), root));
        Assert.True(getter.MeanLeavesInFlight >= 4, $"on average only {getter.MeanLeavesInFlight:F1} leaf fetches overlapped");
        Assert.True(getter.MaxInFlight <= 12 + 4, $"{getter.MaxInFlight} fetches were in flight");
    }

    [Fact]
    public async Task WriteFileAsync_OffsetPastEnd_WritesNothing()
    {
        var (root, _, store) = await Import(300, Small);
        Assert.Empty(await Read(new UnixFsExporter(new OfflineBlockGetter(store)), root, 1000, 5));
    }

    [Fact]
    public async Task WriteFileAsync_MissingBlock_ThrowsBlockNotFound()
    {
        var (root, _, store) = await Import(1000, Small);
        var leaf = store.EnumerateMultihashes().Select(m => Cid.V1(Multicodec.Raw, m)).First(c => store.GetSize(c) == 100);
        store.Delete(leaf);
        await Assert.ThrowsAsync<BlockNotFoundException>(() => Read(new UnixFsExporter(new OfflineBlockGetter(store)), root));
    }

    [Fact]
    public async Task WriteFileAsync_LyingBlockSizes_ThrowsInvalidData()
    {
        var store = new MemoryBlockStore();
        var leaf = Cid.V1(Multicodec.Raw, Multihash.Sha256("abc"u8));
        store.Put(leaf, "abc"u8);
        var data = new UnixFsData { Type = UnixFsType.File, FileSize = 4, BlockSizes = [4] }.Encode();
        var block = DagPbCodec.Encode(new PbNode([new PbLink(leaf, "", 3)], data));
        var root = Cid.V1(Multicodec.DagPb, Multihash.Sha256(block));
        store.Put(root, block);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Read(new UnixFsExporter(new OfflineBlockGetter(store)), root));
        Assert.Contains("blocksize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatAsync_FileAndRawLeaf_ReportKindAndSize()
    {
        var (root, _, store) = await Import(1234, Small);
        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));
        var info = await exporter.StatAsync(root);
        Assert.Equal(UnixFsType.File, info.Type);
        Assert.Equal(1234, info.Size);
        Assert.True(info.CumulativeSize > 1234);
        var (leaf, _, leafStore) = await Import(50, Small);
        var leafInfo = await new UnixFsExporter(new OfflineBlockGetter(leafStore)).StatAsync(leaf);
        Assert.Equal((UnixFsType.File, 50L, 0), (leafInfo.Type, leafInfo.Size, leafInfo.LinkCount));
    }

    [Fact]
    public async Task ResolveAsync_MissingName_ThrowsFileNotFound()
    {
        var (root, _, store) = await Import(10, Small);
        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));
        Assert.Equal(root, await exporter.ResolveAsync("/ipfs/" + root));
        await Assert.ThrowsAsync<FileNotFoundException>(() => exporter.ResolveAsync(root + "/x"));
        await Assert.ThrowsAsync<FormatException>(() => exporter.ResolveAsync("nonsense/x"));
    }

    [Fact]
    public async Task ReadFileAsync_Directory_ThrowsInvalidOperation()
    {
        var store = new MemoryBlockStore();
        var block = DagPbCodec.Encode(new PbNode([], new UnixFsData { Type = UnixFsType.Directory }.Encode()));
        var dir = Cid.V0(Multihash.Sha256(block));
        store.Put(dir, block);
        Assert.Equal("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn", dir.ToString());
        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Read(exporter, dir));
        Assert.Empty(await exporter.ListAsync(dir));
    }

    [Fact]
    public async Task ExportAsync_UnsafeEntryName_ThrowsInvalidData()
    {
        var store = new MemoryBlockStore();
        var leaf = Cid.V1(Multicodec.Raw, Multihash.Sha256("x"u8));
        store.Put(leaf, "x"u8);
        var block = DagPbCodec.Encode(new PbNode([new PbLink(leaf, "..", 1)], new UnixFsData { Type = UnixFsType.Directory }.Encode()));
        var dir = Cid.V1(Multicodec.DagPb, Multihash.Sha256(block));
        store.Put(dir, block);
        var target = Path.Combine(Path.GetTempPath(), "p2p-content-unsafe-" + Environment.ProcessId);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new UnixFsExporter(new OfflineBlockGetter(store)).ExportAsync(dir, target));
        Assert.Contains("safe", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task StatAsync_NotUnixFs_ThrowsInvalidData()
    {
        var store = new MemoryBlockStore();
        var block = Encoding.UTF8.GetBytes("not protobuf at all");
        var cid = Cid.V1(Multicodec.DagPb, Multihash.Sha256(block));
        store.Put(cid, block);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new UnixFsExporter(new OfflineBlockGetter(store)).StatAsync(cid));
        Assert.Contains(cid.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadFileAsync_StoppedEarly_LeavesNoFetchRunningUnobserved()
    {
        var (root, data, store) = await Import(50_000, Small);
        var getter = new CountingBlockGetter(store);
        var exporter = new UnixFsExporter(getter, readAhead: 16);
        var first = new List<byte>();
        await foreach (var part in exporter.ReadFileAsync(root))
        {
            first.AddRange(part.ToArray());
            break;
        }
        Assert.Equal(data[..first.Count], first.ToArray());
        Assert.True(getter.Fetches < 500 / 2, $"{getter.Fetches} blocks fetched for one piece");
    }

    [Fact]
    public async Task WriteFileAsync_Cancelled_ThrowsOperationCanceled()
    {
        var (root, _, store) = await Import(5000, Small);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new UnixFsExporter(new CountingBlockGetter(store)).WriteFileAsync(root, Stream.Null, cancellationToken: cts.Token));
    }
}
