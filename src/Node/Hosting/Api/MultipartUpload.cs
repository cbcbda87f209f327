using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// Saves the parts of a kubo-style multipart add under a scratch folder. Each name is a URL-escaped relative
/// path; one that is absolute or climbs out with <c>..</c> is refused, so a request cannot write outside it.
/// </summary>
public static class MultipartUpload
{
    /// <summary>Writes every part and returns the top-level names, in the order first seen.</summary>
    public static async Task<IReadOnlyList<string>> SaveAsync(MultipartReader reader, string scratch, CancellationToken ct)
    {
        Directory.CreateDirectory(scratch);
        var root = Path.GetFullPath(scratch) + Path.DirectorySeparatorChar;
        var tops = new List<string>();
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                throw new ArgumentException("multipart part without a Content-Disposition");
            var raw = HeaderUtilities.RemoveQuotes(disposition.FileName.HasValue ? disposition.FileName : disposition.FileNameStar).Value;
            var name = WebUtility.UrlDecode(raw ?? "").Replace('\\', '/').Trim('/');
            if (name.Length == 0)
                name = "file";
            var target = Path.GetFullPath(Path.Join(scratch, name));
            if (!target.StartsWith(root, StringComparison.Ordinal) || name.Split('/').Any(s => s is "." or ".."))
                throw new ArgumentException($"part name '{name}' leaves the upload");
            var top = name.Split('/')[0];
            if (!tops.Contains(top))
                tops.Add(top);
            if (section.ContentType is "application/x-directory")
            {
                Directory.CreateDirectory(target);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await section.Body.CopyToAsync(file, ct);
        }
        return tops;
    }
}
