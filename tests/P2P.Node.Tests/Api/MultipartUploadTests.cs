using System.Net.Http.Headers;
using System.Text;
using P2P.Node.Content.Importing;
using P2P.Node.Content.UnixFs;
using P2P.Node.Hosting.Api;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Api;

/// <summary>
/// The daemon's side of kubo's multipart add, read straight into the importer: symlink parts are stored as links
/// (as an offline add stores them), nothing may be placed through one, an unnamed part is an unnamed input (named by
/// its CID), and file parts may come before their directory's part.
/// </summary>
public class MultipartUploadTests
{
    [Fact]
    public async Task ImportAsync_SymlinkPart_IsStoredAsALinkNotFollowed()
    {
        var entries = await ImportAsync(
            ("d", "application/x-directory", ""),
            ("d/self", "application/symlink", "."),
            ("d/f", "application/octet-stream", "data"));

        Assert.Equal(["d/f", "d/self", "d"], entries.Select(e => e.Path));
        Assert.Equal((UnixFsType.Symlink, 1L), (entries[1].Kind, entries[1].Size));
    }

    [Fact]
    public async Task ImportAsync_PartThroughASymlink_IsRefused()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => ImportAsync(
            ("d", "application/x-directory", ""),
            ("d/out", "application/symlink", "/tmp"),
            ("d/out/planted", "application/octet-stream", "x")));

        Assert.Contains("goes through the symlink", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAsync_UnnamedPart_IsNamedByItsCid()
    {
        var entry = Assert.Single(await ImportAsync(("", "application/octet-stream", "hi\n")));

        Assert.Equal(entry.Cid.ToString(), entry.Path);
        Assert.Equal(3, entry.Size);
    }

    [Fact]
    public async Task ImportAsync_FilesBeforeTheirDirectoryPart_SameRootAsInOrder()
    {
        var inOrder = await ImportAsync(("d", "application/x-directory", ""), ("d/e", "application/x-directory", ""), ("d/e/f", "application/octet-stream", "1"));
        var reversed = await ImportAsync(("d/e/f", "application/octet-stream", "1"), ("d/e", "application/x-directory", ""), ("d", "application/x-directory", ""));

        Assert.Equal(inOrder, reversed);
    }

    private static async Task<IReadOnlyList<ImportedEntry>> ImportAsync(params (string Name, string Type, string Body)[] parts)
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
        var upload = new UploadImport(new ImportOptions(), new MemoryBlockStore(), null, wrap: false, _ => null, CancellationToken.None);
        await MultipartUpload.ImportAsync(new MultipartPipeReader(System.IO.Pipelines.PipeReader.Create(stream), boundary), upload, CancellationToken.None);
        return Assert.Single(upload.Finish());
    }
}
