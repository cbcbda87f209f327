using System.IO.Pipelines;
using System.Text;
using P2P.Node.Hosting.Api;

namespace P2P.Node.Tests.Api;

/// <summary>
/// The add's multipart parser over the request pipe: the same parts, byte for byte, wherever the reads end and
/// wherever the segments of one read meet (the delimiter cut at every place), with data that nearly holds the
/// delimiter; and a one-line <see cref="FormatException"/> for a malformed body.
/// </summary>
public class MultipartPipeReaderTests
{
    private const string Boundary = "b0undary-15e";

    private static readonly byte[] Delimiter = Encoding.ASCII.GetBytes("\r\n--" + Boundary);

    /// <summary>Data that holds every near miss of "\r\n--b0undary-15e": cut short, one byte off, at the part's end.</summary>
    private static readonly byte[] NearMisses = Encoding.ASCII.GetBytes(
        "\r\r\n-\r\n--\r\n--b0und\r\n--b0undary-15\r\n--b0undary-15f--b0undary-15e\n--b0undary-15e\r\n--b0undary-15\r");

    [Fact]
    public async Task ReadNextPart_DelimiterCutAtEveryPlace_GivesTheSameParts()
    {
        var parts = new[] { ("a", "application/octet-stream", NearMisses), ("d", "application/x-directory", Array.Empty<byte>()), ("b", "application/octet-stream", "x\r"u8.ToArray()) };
        var body = Body(parts);
        for (var cut = 1; cut < body.Length; cut++)
        {
            // One cut: two reads. Many reads of 1 byte each too, and a buffer of 7 bytes so copies stop mid-piece.
            Assert.Equal(Expected(parts), await ReadAllAsync(new PieceReader(body, [cut]), 7));
            Assert.Equal(Expected(parts), await ReadAllAsync(new PieceReader(body, [cut, cut + 1, cut + 2]), 1 << 16));
        }
        Assert.Equal(Expected(parts), await ReadAllAsync(new PieceReader(body, Enumerable.Range(1, body.Length)), 3));
    }

    [Fact]
    public async Task ReadNextPart_SeededRandomBodiesAndCuts_GiveTheSameParts()
    {
        var random = new Random(1515);
        for (var round = 0; round < 200; round++)
        {
            var parts = Enumerable.Range(0, random.Next(1, 5)).Select(i =>
            {
                var data = new byte[random.Next(0, 3000)];
                // Plant delimiter pieces in random data. A piece cut just before the boundary's last byte and followed
                // by that byte by chance is a real delimiter, which no sender leaves in a part: draw again then.
                do
                {
                    random.NextBytes(data);
                    for (var k = 0; k < 4 && data.Length > NearMisses.Length; k++)
                        NearMisses.AsSpan(0, random.Next(1, NearMisses.Length)).CopyTo(data.AsSpan(random.Next(0, data.Length - NearMisses.Length)));
                }
                while (data.AsSpan().IndexOf(Delimiter) >= 0);
                return ($"f{i}", "application/octet-stream", data);
            }).ToArray();
            var body = Body(parts);
            var cuts = Enumerable.Range(0, random.Next(0, 30)).Select(_ => random.Next(1, body.Length)).ToList();
            Assert.Equal(Expected(parts), await ReadAllAsync(new PieceReader(body, cuts), random.Next(1, 5000)));
        }
    }

    [Fact]
    public async Task ReadNextPart_PreamblePaddingHeadersAndEpilogue_AreHandled()
    {
        var body = Encoding.ASCII.GetBytes(
            "preamble\r\n--b0undary-15e \t\r\nAbspath: /home/u/a\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a\"\r\n" +
            "CONTENT-TYPE: application/symlink\r\n\r\n/tmp\r\n--b0undary-15e\r\n\r\nno headers\r\n--b0undary-15e--\r\nepilogue, not read\r\n--b0undary-15e\r\n");
        var parts = await ReadPartsAsync(PipeReader.Create(new MemoryStream(body)), 64);

        Assert.Equal(2, parts.Count);
        Assert.Equal(("form-data; name=\"file\"; filename=\"a\"", "application/symlink", "/tmp"), (parts[0].Disposition, parts[0].Type, Encoding.ASCII.GetString(parts[0].Data)));
        Assert.Equal(((string?)null, (string?)null, "no headers"), (parts[1].Disposition, parts[1].Type, Encoding.ASCII.GetString(parts[1].Data)));
    }

    [Fact]
    public async Task ReadNextPart_PartLeftUnread_IsSkippedToTheNext()
    {
        var body = Body([("a", "application/octet-stream", new byte[100_000]), ("b", "application/octet-stream", "second"u8.ToArray())]);
        var reader = new MultipartPipeReader(new PieceReader(body, Enumerable.Range(1, 30).Select(i => i * 4000)), Boundary);

        var first = await reader.ReadNextPartAsync(CancellationToken.None);
        var partial = new byte[10];
        await first!.Body.ReadExactlyAsync(partial);
        var second = await reader.ReadNextPartAsync(CancellationToken.None);

        Assert.Contains("filename=\"b\"", second!.ContentDisposition, StringComparison.Ordinal);
        Assert.Equal(0, await first.Body.ReadAsync(partial));
        Assert.Equal("second", Encoding.ASCII.GetString(await ReadToEndAsync(second.Body, 100)));
        Assert.Null(await reader.ReadNextPartAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("--b0undary-15e\r\nContent-Type: x\r\n\r\ndata with no closing boundary", "ended inside a part")]
    [InlineData("--b0undary-15e\r\nContent-Type: x\r\n\r\ndata\r\n--b0undary-15e", "without CRLF or the closing")]
    [InlineData("--b0undary-15eX\r\n\r\ndata\r\n--b0undary-15e--", "goes on past the boundary")]
    [InlineData("--b0undary-15e\r\nno colon here\r\n\r\ndata\r\n--b0undary-15e--", "has no name")]
    [InlineData("--b0undary-15e\r\nContent-Type: x", "ended inside a part's headers")]
    [InlineData("--other\r\n\r\ndata\r\n--other--", "holds no boundary line")]
    [InlineData("", "holds no boundary line")]
    public async Task ReadNextPart_MalformedBody_ThrowsOneLine(string text, string expected)
    {
        var refused = await Assert.ThrowsAsync<FormatException>(() =>
            ReadPartsAsync(new PieceReader(Encoding.ASCII.GetBytes(text), [5, 20]), 16));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task ReadNextPart_EndlessHeaders_RefusedAtTheLimit()
    {
        var line = "X-Pad: " + new string('p', 100) + "\r\n";
        var many = Encoding.ASCII.GetBytes("--b0undary-15e\r\n" + string.Concat(Enumerable.Repeat(line, 20)) + "\r\nx\r\n--b0undary-15e--");
        var longLine = Encoding.ASCII.GetBytes("--b0undary-15e\r\nX-Pad: " + new string('p', 40_000));
        var pieces = Enumerable.Range(1, 100).Select(i => i * 1000);

        var tooMany = await Assert.ThrowsAsync<FormatException>(() => ReadPartsAsync(new PieceReader(many, pieces), 16));
        var tooLong = await Assert.ThrowsAsync<FormatException>(() => ReadPartsAsync(new PieceReader(longLine, pieces), 16));

        Assert.Contains("more than 16 header lines", tooMany.Message, StringComparison.Ordinal);
        Assert.Contains("past 16384 bytes", tooLong.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234567890")]
    [InlineData("é")]
    public void Constructor_BoundaryOutsideRfc2046_IsRefused(string boundary)
    {
        Assert.Throws<FormatException>(() => new MultipartPipeReader(PipeReader.Create(Stream.Null), boundary));
    }

    private static byte[] Body(IEnumerable<(string Name, string Type, byte[] Data)> parts)
    {
        using var body = new MemoryStream();
        foreach (var (name, type, data) in parts)
        {
            body.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {type}\r\n\r\n"));
            body.Write(data);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return body.ToArray();
    }

    private static List<string> Expected(IEnumerable<(string Name, string Type, byte[] Data)> parts) =>
        parts.Select(p => $"form-data; name=\"file\"; filename=\"{p.Name}\"|{p.Type}|{Convert.ToHexString(p.Data)}").ToList();

    private static async Task<List<string>> ReadAllAsync(PipeReader pipe, int bufferSize) =>
        (await ReadPartsAsync(pipe, bufferSize)).Select(p => $"{p.Disposition}|{p.Type}|{Convert.ToHexString(p.Data)}").ToList();

    private static async Task<List<(string? Disposition, string? Type, byte[] Data)>> ReadPartsAsync(PipeReader pipe, int bufferSize)
    {
        var reader = new MultipartPipeReader(pipe, Boundary);
        var parts = new List<(string?, string?, byte[])>();
        while (await reader.ReadNextPartAsync(CancellationToken.None) is { } part)
            parts.Add((part.ContentDisposition, part.ContentType, await ReadToEndAsync(part.Body, bufferSize)));
        return parts;
    }

    private static async Task<byte[]> ReadToEndAsync(Stream body, int bufferSize)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[bufferSize];
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
            copy.Write(buffer, 0, n);
        return copy.ToArray();
    }
}
