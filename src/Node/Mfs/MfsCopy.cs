using P2P.Node.Content.Exporting;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Mfs;

/// <summary>`files cp` and `files mv` (kubo filesCpCmd, boxo mfs.Mv and PutNode), as edits of a root.</summary>
internal sealed class MfsCopy(MfsTree tree, IBlockGetter? sourceGetter)
{
    public async Task<Cid> CopyAsync(Cid root, string source, string destination, bool parents, bool force, CancellationToken ct)
    {
        source = MfsPath.IsContentPath(source) ? MfsPath.CanonicalContentPath(source).TrimEnd('/') : MfsPath.Check(source).TrimEnd('/');
        destination = MfsPath.Check(destination);
        if (destination.EndsWith('/'))
            destination += MfsPath.BaseName(source);
        var (cid, tsize) = await SourceAsync(root, source, ct);
        var segments = MfsPath.Segments(destination);
        if (segments.Length == 0)
            throw MfsError.Bad("cannot create file with empty name");
        var name = segments[^1];
        if (!parents)
        {
            var parent = await tree.LookupAsync(root, segments[..^1], ct) ?? throw MfsError.NotExist();
            if (!await tree.IsDirectoryAsync(parent.Cid, ct))
                throw MfsError.NotDirectory(MfsPath.Join(segments[..^1]));
        }
        return await tree.EditAsync(root, segments[..^1], parents, async directory =>
        {
            if (directory.Entries.TryGetValue(name, out var existing))
            {
                if (!force)
                    throw new Errors.P2PException(Errors.ErrorKind.Conflict, $"cp: cannot put node in path {destination}: directory already has entry by that name");
                if (await tree.IsDirectoryAsync(existing.Cid, ct))
                    throw MfsError.Bad($"cp: cannot unlink existing file: not a file: {destination}");
            }
            directory.Entries[name] = (cid, tsize);
        }, ct);
    }

    /// <summary>The node to link and its Tsize; a content path's root block may come through <see cref="sourceGetter"/>.</summary>
    private async Task<(Cid Cid, ulong Tsize)> SourceAsync(Cid root, string source, CancellationToken ct)
    {
        Cid cid;
        try
        {
            if (MfsPath.IsContentPath(source))
            {
                var exporter = sourceGetter is null ? tree.Exporter : new UnixFsExporter(sourceGetter);
                cid = await exporter.ResolveAsync(source, ct);
                // The root block is stored here, so the MFS tree can be read (ls, stat) without the network.
                var block = await (sourceGetter ?? new OfflineBlockGetter(tree.Store)).GetBlockAsync(cid, ct);
                tree.Store.Put(cid, block);
            }
            else
            {
                cid = (await tree.LookupAsync(root, MfsPath.Segments(source), ct) ?? throw MfsError.NotExist()).Cid;
            }
        }
        catch (Exception e) when (e is Errors.P2PException or FileNotFoundException or FormatException)
        {
            var kind = e is Errors.P2PException p ? p.Kind : e is FormatException ? Errors.ErrorKind.BadInput : Errors.ErrorKind.NotFound;
            throw new Errors.P2PException(kind, $"cp: cannot get node from path {source}: {e.Message}", e);
        }
        if (cid.Codec is not (Multicodec.DagPb or Multicodec.Raw))
            throw MfsError.Bad("cp: source must be a valid UnixFS (dag-pb or raw codec)");
        UnixFsNode node;
        try
        {
            node = await tree.Exporter.FetchAsync(cid, ct);
        }
        catch (InvalidDataException e)
        {
            throw MfsError.Bad($"cp: source must be a valid UnixFS (dag-pb or raw codec): {e.Message}");
        }
        return (cid, MfsStats.Of(node).CumulativeSize);
    }

    public static async Task<Cid> MoveAsync(MfsTree tree, Cid root, string source, string destination, CancellationToken ct)
    {
        var sourceSegments = MfsPath.Segments(source);
        if (sourceSegments.Length == 0)
            throw MfsError.Bad("cannot move the root");
        var sourceName = sourceSegments[^1];
        string[] targetDirectory;
        string targetName;
        if (destination.EndsWith('/'))
        {
            targetDirectory = MfsPath.Segments(destination);
            targetName = sourceName;
        }
        else
        {
            var d = MfsPath.Segments(destination);
            if (d.Length == 0)
            {
                targetDirectory = [];
                targetName = sourceName;
            }
            else
            {
                targetDirectory = d[..^1];
                targetName = d[^1];
            }
        }
        var target = await tree.LookupAsync(root, targetDirectory, ct) ?? throw MfsError.NotExist();
        if (!await tree.IsDirectoryAsync(target.Cid, ct))
            throw MfsError.NotDirectory(MfsPath.Join(targetDirectory));
        var moved = await tree.LookupAsync(root, sourceSegments, ct) ?? throw MfsError.NotExist();
        if (await tree.LookupAsync(root, [.. targetDirectory, targetName], ct) is { } there && await tree.IsDirectoryAsync(there.Cid, ct))
        {
            // Onto a directory: into it, under the source's name.
            targetDirectory = [.. targetDirectory, targetName];
            targetName = sourceName;
        }
        if (targetDirectory.Length >= sourceSegments.Length && targetDirectory.Take(sourceSegments.Length).SequenceEqual(sourceSegments))
            throw MfsError.Bad($"cannot move {source} into itself");
        if (targetDirectory.AsSpan().SequenceEqual(sourceSegments.AsSpan(0, sourceSegments.Length - 1)) && targetName == sourceName)
            return root;
        root = await tree.EditAsync(root, targetDirectory, makeParents: false, async directory =>
        {
            if (directory.Entries.TryGetValue(targetName, out var existing) && await tree.IsDirectoryAsync(existing.Cid, ct))
                throw MfsError.EntryExists();
            directory.Entries[targetName] = moved;
        }, ct);
        return await tree.EditAsync(root, sourceSegments[..^1], makeParents: false, directory =>
        {
            directory.Entries.Remove(sourceName);
            return Task.CompletedTask;
        }, ct);
    }
}
