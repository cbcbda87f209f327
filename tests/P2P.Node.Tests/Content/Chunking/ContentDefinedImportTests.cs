using System.Text;
using P2P.Node.Content.Chunking;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content.Chunking;

public class ContentDefinedImportTests
{
    [Theory]
    [InlineData("rabin")]
    [InlineData("rabin-36-512-1024")]
    [InlineData("buzhash")]
    public async Task ImportFileAsync_KuboSharnessHelloTxt_SameCid(string chunker)
    {
        // kubo's t0040-add-and-cat.sh: `ipfs add --chunker <chunker> hello.txt` ("Hello Worlds!\n").
        var options = ImportOptionsBuilder.Build(new KuboAddFlags { Chunker = chunker, CidVersion = 0 });
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("Hello Worlds!\n"));
        var result = await UnixFsImporter.ImportFileAsync(stream, options, new MemoryBlockStore());
        Assert.Equal("QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH", result.Root.ToString());
    }

    [Theory]
    [InlineData("rabin-4096-16384-65536")]
    [InlineData("buzhash")]
    public async Task ImportFileAsync_ContentDefined_OneLeafPerChunkAndStreamingDoesNotMatter(string chunker)
    {
        var data = new byte[3 * 1024 * 1024 + 123];
        new Random(21).NextBytes(data);
        var spec = ChunkerSpec.Parse(chunker);
        var lengths = await ChunkingHarness.LengthsAsync(
            spec.Kind == ChunkerKind.Buzhash ? BuzhashChunker.Instance : new RabinChunker(spec.Min, spec.Avg, spec.Max), data);
        var options = new ImportOptions { Chunker = spec };
        var whole = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), options, new MemoryBlockStore());
        var trickled = await UnixFsImporter.ImportFileAsync(new TricklingStream(data, new Random(22)), options, new MemoryBlockStore());
        Assert.Equal(whole.Root, trickled.Root);
        Assert.Equal(data.Length, whole.FileSize);
        // Fewer leaves than a node's link limit: the leaves and one root.
        Assert.Equal(lengths.Count + 1, whole.BlockCount);
        var fixedSize = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), new ImportOptions(), new MemoryBlockStore());
        Assert.NotEqual(fixedSize.Root, whole.Root);
    }

    [Fact]
    public void Build_SizeChunker_StaysAPlainChunkSize()
    {
        var options = ImportOptionsBuilder.Build(new KuboAddFlags { Chunker = "size-1024" });
        Assert.Equal(1024, options.ChunkSize);
        Assert.Null(options.Chunker);
        Assert.Equal("rabin-16-32-64", ImportOptionsBuilder.Build(new KuboAddFlags { Chunker = "rabin-16-32-64" }).Chunker!.ToString());
    }
}
