using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;
using P2P.Node.Content.Importing;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// Feeds the parts of a kubo-style multipart add to an <see cref="UploadImport"/> as they arrive, so each file is
/// imported straight from the request body and its bytes are written once, into the block store: files,
/// directories (<c>application/x-directory</c>) and symlinks (<c>application/symlink</c>, the body is the target,
/// stored as a link). Each name is a URL-escaped relative path; one that climbs out with <c>..</c> or passes through
/// a symlink is refused. A part without a name (kubo's stdin without <c>--stdin-name</c>) is added under its CID.
/// </summary>
public static class MultipartUpload
{
    /// <summary>Longest symlink target accepted: Linux's PATH_MAX.</summary>
    private const int MaxLinkTarget = 4096;

    /// <summary>Reads every part into <paramref name="upload"/>, importing each file as its part is read.</summary>
    public static async Task ImportAsync(MultipartPipeReader reader, UploadImport upload, CancellationToken ct)
    {
        while (await reader.ReadNextPartAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                throw new ArgumentException("multipart part without a Content-Disposition");
            var raw = HeaderUtilities.RemoveQuotes(disposition.FileName.HasValue ? disposition.FileName : disposition.FileNameStar).Value;
            var name = WebUtility.UrlDecode(raw ?? "").Replace('\\', '/').Trim('/');
            if (name.Length == 0)
            {
                await upload.AddFileAsync("", section.Body);
                continue;
            }
            switch (section.ContentType)
            {
                case "application/x-directory":
                    upload.AddDirectory(name);
                    break;
                case "application/symlink":
                    upload.AddSymlink(name, await ReadLinkTargetAsync(section.Body, name, ct));
                    break;
                default:
                    await upload.AddFileAsync(name, section.Body);
                    break;
            }
        }
    }

    private static async Task<string> ReadLinkTargetAsync(Stream body, string name, CancellationToken ct)
    {
        var buffer = new byte[MaxLinkTarget + 1];
        var n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n == 0 || n > MaxLinkTarget)
            throw new ArgumentException($"symlink '{name}' has a target of {n} bytes: expected 1 to {MaxLinkTarget}");
        var target = Encoding.UTF8.GetString(buffer, 0, n);
        if (target.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"symlink '{name}' has a NUL byte in its target");
        return target;
    }
}
