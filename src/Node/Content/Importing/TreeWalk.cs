using P2P.Node.Content.UnixFs;

namespace P2P.Node.Content.Importing;

/// <summary>
/// Walks a file-system tree for <see cref="UnixFsImporter.ImportPathAsync"/>: files one after another (each
/// pipelined inside), children of a directory in UTF-8 name order, and records kubo's output entries.
/// </summary>
internal sealed class TreeWalk(NodeBuilder nodes, IProgress<long>? progress, CancellationToken cancellationToken)
{
    private long _bytes;

    public List<ImportedEntry> Files { get; } = [];

    public List<ImportedEntry> Directories { get; } = [];

    /// <summary>
    /// Adds one file read from <paramref name="source"/>, recorded under <paramref name="name"/> or, when it has none
    /// (stdin without a name), under its own CID as kubo's adder does. Returns that name and the file's root.
    /// </summary>
    public async Task<(string Name, DagChild Child)> AddStreamAsync(Stream source, string? name)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (root, bytes) = await UnixFsImporter.ImportFileCoreAsync(source, nodes, progress, _bytes, cancellationToken);
        _bytes += bytes;
        var path = name ?? root.Cid.ToString();
        Files.Add(new ImportedEntry(path, root.Cid, UnixFsType.File, bytes, (long)root.DagSize));
        return (path, root);
    }

    /// <summary>
    /// kubo's <c>add -w</c>: a directory holding <paramref name="entries"/> (the added items by name), recorded with an
    /// empty path, which is how kubo prints the wrapper's line. A name given twice is linked once.
    /// </summary>
    public DagChild Wrap(IReadOnlyList<(string Name, DagChild Child)> entries)
    {
        var node = nodes.StoreDirectory(entries.DistinctBy(e => e.Name, StringComparer.Ordinal).ToList());
        Directories.Add(new ImportedEntry("", node.Cid, UnixFsType.Directory, 0, (long)node.DagSize));
        return node;
    }

    public async Task<DagChild> AddAsync(FileSystemInfo item, string path)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (item.LinkTarget is { } target)
        {
            var link = nodes.StoreSymlink(target);
            Files.Add(new ImportedEntry(path, link.Cid, UnixFsType.Symlink, (long)link.FileSize, (long)link.DagSize));
            return link;
        }
        if (item is DirectoryInfo directory)
            return await AddDirectoryAsync(directory, path);
        await using var stream = new FileStream(item.FullName, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        var (root, bytes) = await UnixFsImporter.ImportFileCoreAsync(stream, nodes, progress, _bytes, cancellationToken);
        _bytes += bytes;
        Files.Add(new ImportedEntry(path, root.Cid, UnixFsType.File, bytes, (long)root.DagSize));
        return root;
    }

    private async Task<DagChild> AddDirectoryAsync(DirectoryInfo directory, string path)
    {
        var children = directory.EnumerateFileSystemInfos()
            .Where(c => nodes.Options.IncludeHidden || !c.Name.StartsWith('.'))
            .ToArray();
        Array.Sort(children, (a, b) => NodeBuilder.Utf8Compare(a.Name, b.Name));
        var entries = new List<(string, DagChild)>(children.Length);
        foreach (var child in children)
            entries.Add((child.Name, await AddAsync(child, path + "/" + child.Name)));
        var node = nodes.StoreDirectory(entries);
        Directories.Add(new ImportedEntry(path, node.Cid, UnixFsType.Directory, 0, (long)node.DagSize));
        return node;
    }
}
