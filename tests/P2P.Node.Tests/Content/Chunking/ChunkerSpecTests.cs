using P2P.Node.Content.Chunking;

namespace P2P.Node.Tests.Content.Chunking;

public class ChunkerSpecTests
{
    [Theory]
    [InlineData("", "size-262144")]
    [InlineData("default", "size-262144")]
    [InlineData("size-1", "size-1")]
    [InlineData("size-+64", "size-64")]
    [InlineData("size-2096896", "size-2096896")]
    [InlineData("rabin", "rabin-87381-262144-393216")]
    [InlineData("rabin-1024", "rabin-341-1024-1536")]
    [InlineData("rabin-36-512-1024", "rabin-36-512-1024")]
    [InlineData("rabin-18-25-32", "rabin-18-25-32")]
    [InlineData("rabin-min:16-avg:32-max:64", "rabin-16-32-64")]
    [InlineData("rabin-19-21-2096896", "rabin-19-21-2096896")]
    [InlineData("rabin-1397931", "rabin-465977-1397931-2096896")]
    [InlineData("buzhash", "buzhash")]
    [InlineData("buzhash-anything", "buzhash")]
    public void Parse_KuboAccepts_SameSpec(string text, string canonical)
    {
        Assert.Equal(canonical, ChunkerSpec.Parse(text).ToString());
    }

    [Theory]
    [InlineData("rabin-15-23-31", "rabin min must be greater than 16")]
    [InlineData("rabin-12-512-1024", "rabin min must be greater than 16")]
    [InlineData("rabin-20-20-21", "incorrect format: rabin-min must be smaller than rabin-avg")]
    [InlineData("rabin-19-21-21", "incorrect format: rabin-avg must be smaller than rabin-max")]
    [InlineData("rabin-19-21-2096897", "chunker parameters may not exceed the maximum chunk size of 2096896")]
    [InlineData("rabin-1397932", "chunker parameters may not exceed the maximum chunk size of 2096896")]
    [InlineData("rabin-1-2", "incorrect format (expected 'rabin' 'rabin-[avg]' or 'rabin-[min]-[avg]-[max]'")]
    [InlineData("rabin-max:16-avg:32-max:64", "first label must be min")]
    [InlineData("rabin-16-min:32-64", "second label must be avg")]
    [InlineData("rabin-16-32-avg:64", "final label must be max")]
    [InlineData("rabin-abc", "strconv.Atoi: parsing \"abc\": invalid syntax")]
    [InlineData("rabin-", "strconv.Atoi: parsing \"\": invalid syntax")]
    [InlineData("size-0", "chunker size must be greater than 0")]
    [InlineData("size-2096897", "chunker parameters may not exceed the maximum chunk size of 2096896")]
    [InlineData("size-12x", "strconv.Atoi: parsing \"12x\": invalid syntax")]
    [InlineData("size-99999999999999999999", "strconv.Atoi: parsing \"99999999999999999999\": value out of range")]
    [InlineData("size--5", "incorrect chunker string format (expected size-{size})")]
    [InlineData("fastcdc", "unrecognized chunker option: fastcdc")]
    [InlineData("Rabin", "unrecognized chunker option: Rabin")]
    public void Parse_KuboRefuses_SameSentence(string text, string error)
    {
        Assert.False(ChunkerSpec.TryParse(text, out _, out var message));
        Assert.Equal(error, message);
        Assert.Equal(error, Assert.Throws<ArgumentException>(() => ChunkerSpec.Parse(text)).Message);
    }

    [Fact]
    public void Open_EachKind_BufferIsTheLargestChunk()
    {
        using var stream = new MemoryStream();
        using var size = ChunkerSpec.Parse("size-1000").Open(stream);
        using var rabin = ChunkerSpec.Parse("rabin-16-32-64").Open(stream);
        using var buz = ChunkerSpec.Buzhash.Open(stream);
        Assert.Equal(1000, size.BufferLength);
        Assert.Equal(64, rabin.BufferLength);
        Assert.Equal(512 * 1024, buz.BufferLength);
    }
}
