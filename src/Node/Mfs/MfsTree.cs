using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Mfs;

/// <summary>
/// Copy-on-write edits of a UnixFS tree held in a block store: a change to a directory stores that directory anew
/// and every directory above it up to a new root, whose CID the caller then persists. Directories are built by the
/// importer's <see cref="NodeBuilder"/> (sorted links, HAMT sharding above kubo's threshold) and read by the
/// exporter (flat and sharded). Not thread-safe: <see cref="MutableFiles"/> runs one edit at a time.
/// </summary>
internal sealed class MfsTree(IBlockStore store, UnixFsExporter exporter)
{
    public UnixFsExporter Exporter { get; } = exporter;

    public IBlockStore Store { get; } = store;

    public async Task<bool> IsDirectoryAsync(Cid cid, CancellationToken ct)
    {
        if (cid.Codec != Multicodec.DagPb)
            return false;
        var node = await Exporter.FetchAsync(cid, ct);
        return node.UnixFs.Type is UnixFsType.Directory or UnixFsType.HamtShard;
    }

    public async Task<MfsDirectory> LoadAsync(Cid cid, string path, CancellationToken ct)
    {
        if (cid.Codec != Multicodec.DagPb)
            throw MfsError.NotDirectory(path);
        var node = await Exporter.FetchAsync(cid, ct);
        if (node.UnixFs.Type is not (UnixFsType.Directory or UnixFsType.HamtShard))
            throw MfsError.NotDirectory(path);
        var directory = new MfsDirectory(MfsPrefix.Of(cid));
        foreach (var link in await Exporter.DirectoryLinksAsync(node, ct))
            directory.Entries[link.Name!] = (link.Hash, link.Tsize ?? 0);
        return directory;
    }

    /// <summary>Stores <paramref name="directory"/> and returns how its parent links it.</summary>
    public (Cid Cid, ulong Tsize) Save(MfsDirectory directory)
    {
        var builder = new NodeBuilder(directory.Prefix.Options(), Store);
        var child = builder.StoreDirectory([.. directory.Entries.Select(e => (e.Key, new DagChild(e.Value.Cid, 0, e.Value.Tsize)))]);
        return (child.Cid, child.DagSize);
    }

    /// <summary>An empty directory with <paramref name="prefix"/>, stored.</summary>
    public (Cid Cid, ulong Tsize) SaveEmpty(MfsPrefix prefix) => Save(new MfsDirectory(prefix));

    /// <summary>The link at <paramref name="segments"/> under <paramref name="root"/>, or null when a name is missing.</summary>
    public async Task<(Cid Cid, ulong Tsize)?> LookupAsync(Cid root, IReadOnlyList<string> segments, CancellationToken ct)
    {
        (Cid Cid, ulong Tsize) current = (root, 0);
        for (var i = 0; i < segments.Count; i++)
        {
            if (!await IsDirectoryAsync(current.Cid, ct))
                throw MfsError.Bad($"cannot access {string.Join('/', segments.Take(i))}: Not a directory");
            var directory = await LoadAsync(current.Cid, MfsPath.Join(segments.Take(i)), ct);
            if (!directory.Entries.TryGetValue(segments[i], out current))
                return null;
        }
        return current;
    }

    /// <summary>
    /// Applies <paramref name="edit"/> to the directory at <paramref name="directorySegments"/> and stores it and its
    /// ancestors; returns the new root. A missing directory on the way is created (with its parent's prefix) when
    /// <paramref name="makeParents"/>, else the edit fails with "file does not exist".
    /// </summary>
    public async Task<Cid> EditAsync(Cid root, IReadOnlyList<string> directorySegments, bool makeParents,
        Func<MfsDirectory, Task> edit, CancellationToken ct)
    {
        var top = await LoadAsync(root, "/", ct);
        return (await EditAtAsync(top, directorySegments, 0, makeParents, edit, ct)).Cid;
    }

    private async Task<(Cid Cid, ulong Tsize)> EditAtAsync(MfsDirectory directory, IReadOnlyList<string> segments, int depth,
        bool makeParents, Func<MfsDirectory, Task> edit, CancellationToken ct)
    {
        if (depth == segments.Count)
        {
            await edit(directory);
            return Save(directory);
        }
        var name = segments[depth];
        var path = MfsPath.Join(segments.Take(depth + 1));
        MfsDirectory child;
        if (directory.Entries.TryGetValue(name, out var link))
            child = await LoadAsync(link.Cid, path, ct);
        else if (makeParents)
            child = new MfsDirectory(directory.Prefix);
        else
            throw MfsError.NotExist();
        directory.Entries[name] = await EditAtAsync(child, segments, depth + 1, makeParents, edit, ct);
        return Save(directory);
    }
}
