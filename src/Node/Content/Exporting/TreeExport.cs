using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Exporting;

/// <summary>Writes one UnixFS tree to disk for <see cref="UnixFsExporter.ExportAsync"/>; one instance per export.</summary>
internal sealed class TreeExport(UnixFsExporter exporter, IProgress<long>? progress, CancellationToken cancellationToken)
{
    /// <summary>Nesting limit, so a hostile chain of directories cannot exhaust the stack.</summary>
    private const int MaxDepth = 256;

    private long _written;

    public async Task ExportAsync(Cid cid, string destination, int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidDataException($"{cid}: directories nest deeper than {MaxDepth} levels");
        var node = await exporter.FetchAsync(cid, cancellationToken);
        if (node.IsFile)
        {
            await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: true);
            await foreach (var part in exporter.ReadRangeAsync(node, 0, node.Size, cancellationToken))
            {
                await file.WriteAsync(part, cancellationToken);
                _written += part.Length;
                progress?.Report(_written);
            }
            return;
        }
        if (node.UnixFs.Type == UnixFsType.Symlink)
        {
            File.CreateSymbolicLink(destination, System.Text.Encoding.UTF8.GetString(node.Inline.Span));
            return;
        }
        var links = await exporter.DirectoryLinksAsync(node, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var link in links)
        {
            CheckName(cid, link.Name!);
            if (!seen.Add(link.Name!))
                throw new InvalidDataException($"{cid}: directory has two entries named '{link.Name}'");
        }
        if (Directory.Exists(destination) || File.Exists(destination))
            throw new IOException($"{destination} already exists");
        Directory.CreateDirectory(destination);
        foreach (var link in links)
            await ExportAsync(link.Hash, Path.Combine(destination, link.Name!), depth + 1);
    }

    private static void CheckName(Cid cid, string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\\') || name.Contains('\0'))
            throw new InvalidDataException($"{cid}: directory entry name '{name}' is not a safe file name");
    }
}
