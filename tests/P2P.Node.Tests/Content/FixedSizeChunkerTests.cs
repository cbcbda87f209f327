using P2P.Node.Content.Chunking;

namespace P2P.Node.Tests.Content;

/// <summary>The chunker's reads; its kubo spellings are parsed by ChunkerSpec (ChunkerSpecTests).</summary>
public class FixedSizeChunkerTests
{
    [Fact]
    public async Task ReadChunkAsync_ShortReads_StillFillsEveryChunk()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        var chunker = new FixedSizeChunker(64);
        using var source = new TricklingStream(data, new Random(4));
        var buffer = new byte[64];
        var sizes = new List<int>();
        var copy = new List<byte>();
        int n;
        while ((n = await chunker.ReadChunkAsync(source, buffer)) > 0)
        {
            sizes.Add(n);
            copy.AddRange(buffer[..n]);
        }
        Assert.Equal(Enumerable.Repeat(64, 15).Append(40), sizes);
        Assert.Equal(data, copy);
    }
}
