using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Storage;
using P2P.Node.Tests.Content;
using P2P.Node.Tests.Gateway;

namespace P2P.Node.Tests.Api;

/// <summary>
/// A multipart add written by hand, as curl sends it, through the daemon's real Kestrel host: the parts span many of
/// the transport's 64 KiB receive blocks and their boundaries fall inside and across them, sent with a length or
/// chunked in odd-sized writes. Each file's CID must be the offline import's.
/// </summary>
public sealed class ApiMultipartAddTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Boundary = "------------------------15b4dd0c0ffee";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Add_CurlStyleMultipart_GivesTheOfflineCids(bool chunked)
    {
        var a = TestDaemon.RandomBytes(3 * 1024 * 1024 + 17, seed: chunked ? 151 : 150);
        var b = TestDaemon.RandomBytes(300 * 1024 + 5, seed: chunked ? 153 : 152);
        var body = Body(("a.bin", a), ("b.bin", b));
        using HttpContent content = chunked ? new StreamContent(new ForwardOnlyStream(body, maxRead: 7777)) : new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        using var response = await fixture.Seed.Api.PostAsync("api/v0/add?pin=false", content);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["a.bin", "b.bin"], lines.Select(l => l.GetProperty("Name").GetString()));
        Assert.Equal(await OfflineAsync(a), lines[0].GetProperty("Hash").GetString());
        Assert.Equal(await OfflineAsync(b), lines[1].GetProperty("Hash").GetString());
    }

    [Fact]
    public async Task Add_BodyCutBeforeItsClosingBoundary_Is400WithOneLine()
    {
        var body = Body(("a.bin", TestDaemon.RandomBytes(200 * 1024, seed: 154)));
        using var content = new ByteArrayContent(body[..^(Boundary.Length + 6)]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        using var response = await fixture.Seed.Api.PostAsync("api/v0/add?pin=false", content);

        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("Message").GetString();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("the multipart body ended inside a part, before its closing boundary", message);
    }

    private static byte[] Body(params (string Name, byte[] Data)[] files)
    {
        using var body = new MemoryStream();
        foreach (var (name, data) in files)
        {
            body.Write(Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n" +
                "Content-Type: application/octet-stream\r\n\r\n"));
            body.Write(data);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return body.ToArray();
    }

    private static async Task<string> OfflineAsync(byte[] data)
    {
        var options = ImportOptionsBuilder.Build(new KuboAddFlags { Hash = "sha2-256" });
        var result = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), options, new MemoryBlockStore());
        return result.Root.ToString();
    }
}
