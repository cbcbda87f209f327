using System.Net;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using P2P.Node.Content.Importing;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// Saves the parts of a kubo-style multipart add under a scratch folder: files, directories
/// (<c>application/x-directory</c>) and symlinks (<c>application/symlink</c>, the body is the target), which are
/// made as real symlinks so the importer stores them as links, exactly as an offline add of the same tree. Each name
/// is a URL-escaped relative path; one that is absolute, climbs out with <c>..</c> or passes through a symlink
/// already made is refused, so a request cannot write outside the folder. A part without a name (kubo's stdin
/// without <c>--stdin-name</c>) is kept apart and added under its CID, as kubo does.
/// </summary>
public static class MultipartUpload
{
    /// <summary>Longest symlink target accepted: Linux's PATH_MAX.</summary>
    private const int MaxLinkTarget = 4096;

    /// <summary>Writes every part and returns the top-level inputs, in the order first seen.</summary>
    public static async Task<IReadOnlyList<ImportInput>> SaveAsync(MultipartReader reader, string scratch, CancellationToken ct)
    {
        var tree = Path.Join(scratch, "tree");
        var unnamed = Path.Join(scratch, "unnamed");
        Directory.CreateDirectory(tree);
        Directory.CreateDirectory(unnamed);
        var root = Path.GetFullPath(tree) + Path.DirectorySeparatorChar;
        var tops = new List<(string? Name, string Path)>();
        var links = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                throw new ArgumentException("multipart part without a Content-Disposition");
            var raw = HeaderUtilities.RemoveQuotes(disposition.FileName.HasValue ? disposition.FileName : disposition.FileNameStar).Value;
            var name = WebUtility.UrlDecode(raw ?? "").Replace('\\', '/').Trim('/');
            if (name.Length == 0)
            {
                var path = Path.Join(unnamed, tops.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await SaveFileAsync(section, path, ct);
                tops.Add((null, path));
                continue;
            }
            var target = Path.GetFullPath(Path.Join(tree, name));
            var segments = name.Split('/');
            if (!target.StartsWith(root, StringComparison.Ordinal) || segments.Any(s => s is "." or ".."))
                throw new ArgumentException($"part name '{name}' leaves the upload");
            for (var i = 1; i < segments.Length; i++)
            {
                if (links.Contains(string.Join('/', segments[..i])))
                    throw new ArgumentException($"part name '{name}' goes through the symlink '{string.Join('/', segments[..i])}'");
            }
            if (!tops.Any(t => t.Name == segments[0]))
                tops.Add((segments[0], Path.Join(tree, segments[0])));
            switch (section.ContentType)
            {
                case "application/x-directory":
                    Directory.CreateDirectory(target);
                    break;
                case "application/symlink":
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.CreateSymbolicLink(target, await ReadLinkTargetAsync(section.Body, name, ct));
                    links.Add(name);
                    break;
                default:
                    await SaveFileAsync(section, target, ct);
                    break;
            }
        }
        return [.. tops.Select(t => t.Name is null ? ImportInput.FromUnnamedFile(t.Path) : ImportInput.FromPath(t.Path))];
    }

    private static async Task SaveFileAsync(MultipartSection section, string target, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await section.Body.CopyToAsync(file, ct);
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
