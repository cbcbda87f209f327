using P2P.Node.Content.Chunking;

namespace P2P.Node.Tests.Content;

public class FixedSizeChunkerTests
{
    [Theory]
    [InlineData("size-262144", 262144)]
    [InlineData("size-1", 1)]
    [InlineData("", 262144)]
    [InlineData("default", 262144)]
    [InlineData("size-2096896", 2096896)]
    public void TryParse_KuboSpellings_GiveSize(string spec, int size)
    {
        Assert.True(FixedSizeChunker.TryParse(spec, out var chunker, out _));
        Assert.Equal(size, chunker!.Size);
        Assert.Equal($"size-{size}", chunker.ToString());
    }

    [Theory]
    [InlineData("size-0")]
    [InlineData("size-2096897")]
    [InlineData("rabin")]
    [InlineData("size-12x")]
    [InlineData("size--5")]
    public void TryParse_Invalid_GivesError(string spec)
    {
        Assert.False(FixedSizeChunker.TryParse(spec, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

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
