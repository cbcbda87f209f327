using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using P2P.Node.Hosting.Api;
using P2P.Node.Tests.Storage;

namespace P2P.Node.Tests.Api;

/// <summary>
/// The daemon's side of kubo's multipart add: symlink parts become symlinks (so the importer stores links, as an
/// offline add does), nothing may be written through one, and an unnamed part is an unnamed input (named by its CID).
/// </summary>
public class MultipartUploadTests
{
    [Fact]
    public async Task SaveAsync_SymlinkPart_IsMadeAsALinkNotFollowed()
    {
        using var dir = new TempDirectory();
        var inputs = await SaveAsync(dir.Join("scratch"),
            ("d", "application/x-directory", ""),
            ("d/self", "application/symlink", "."),
            ("d/f", "application/octet-stream", "data"));

        var top = Assert.Single(inputs);
        Assert.Equal("d", top.Name);
        Assert.True(top.IsDirectory);
        Assert.Equal(".", new FileInfo(Path.Join(top.Item!.FullName, "self")).LinkTarget);
    }

    [Fact]
    public async Task SaveAsync_PartThroughASymlink_IsRefused()
    {
        using var dir = new TempDirectory();
        var outside = dir.Join("outside");
        Directory.CreateDirectory(outside);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => SaveAsync(dir.Join("scratch"),
            ("d", "application/x-directory", ""),
            ("d/out", "application/symlink", outside),
            ("d/out/planted", "application/octet-stream", "x")));

        Assert.Contains("goes through the symlink", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task SaveAsync_UnnamedPart_IsAnUnnamedInput()
    {
        using var dir = new TempDirectory();
        var inputs = await SaveAsync(dir.Join("scratch"), ("", "application/octet-stream", "hi\n"));

        var top = Assert.Single(inputs);
        Assert.Null(top.Name);
        Assert.Equal("hi\n", File.ReadAllText(top.Item!.FullName));
    }

    private static async Task<IReadOnlyList<P2P.Node.Content.Importing.ImportInput>> SaveAsync(string scratch, params (string Name, string Type, string Body)[] parts)
    {
        using var body = new MultipartFormDataContent();
        foreach (var (name, type, text) in parts)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = $"\"{Uri.EscapeDataString(name)}\"" };
            body.Add(part);
        }
        var boundary = body.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        await using var stream = await body.ReadAsStreamAsync();
        return await MultipartUpload.SaveAsync(new MultipartReader(boundary, stream), scratch, CancellationToken.None);
    }
}
