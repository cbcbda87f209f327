using System.Runtime.CompilerServices;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Mfs;

/// <summary>
/// kubo's mutable file system (`files` commands, boxo mfs) over a repo: a UnixFS tree whose root CID changes with
/// every change and is persisted in <see cref="MfsRootFile"/>. Every change is copy-on-write and flushed at once:
/// the new blocks are stored and made durable (<see cref="IBlockStore.Flush"/>), then the root file is replaced
/// atomically, all under the shared <see cref="GcGate"/>, so a SIGKILL at any point leaves the old root or the new
/// one with all its blocks, and a gc racing a write cannot sweep blocks before the root that references them lands.
/// One change runs at a time (<see cref="_writer"/>); across processes the repo lock keeps a second writer out.
/// </summary>
public sealed class MutableFiles
{
    private readonly Repo _repo;
    private readonly MfsTree _tree;

    /// <summary>One change at a time; guards <see cref="_root"/> changing.</summary>
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>The current root; written under <see cref="_writer"/>, read by anyone.</summary>
    private Cid? _root;

    public MutableFiles(Repo repo, IBlockGetter getter)
    {
        _repo = repo;
        _tree = new MfsTree(repo.Blocks, new UnixFsExporter(getter));
    }

    /// <summary>
    /// The current root CID (what `name publish` of an MFS path starts from). The first call on a repo without one
    /// stores kubo's empty root directory and persists it.
    /// </summary>
    public Cid RootCid
    {
        get
        {
            if (Volatile.Read(ref _root) is { } root)
                return root;
            _writer.Wait();
            try
            {
                return EnsureRoot();
            }
            finally
            {
                _writer.Release();
            }
        }
    }

    // ---- reading ----

    /// <summary>`files stat`: an MFS path, or a content path (/ipfs/CID/...) read through the exporter.</summary>
    public async Task<MfsStat> StatAsync(string path, CancellationToken ct)
    {
        var cid = await ResolveAnyAsync(path, ct);
        return MfsStats.Of(await _tree.Exporter.FetchAsync(cid, ct));
    }

    /// <summary>`files ls`: a directory's entries in link order, or the one entry of a file.</summary>
    public async Task<IReadOnlyList<MfsListing>> ListAsync(string path, bool full, CancellationToken ct)
    {
        path = MfsPath.Check(path);
        var (cid, _) = await ResolveAsync(path, ct);
        if (!await _tree.IsDirectoryAsync(cid, ct))
        {
            var name = MfsPath.BaseName(path);
            if (!full)
                return [new MfsListing(name, MfsListing.FileType, 0, "")];
            var info = await _tree.Exporter.StatAsync(cid, ct);
            return [new MfsListing(name, MfsListing.FileType, info.Size, cid.ToString())];
        }
        var entries = await _tree.Exporter.ListAsync(cid, resolveChildren: full, ct);
        return [.. entries.Select(e => full
            ? new MfsListing(e.Name, e.Type == Content.UnixFs.UnixFsType.Directory ? MfsListing.DirectoryType : MfsListing.FileType,
                e.Type == Content.UnixFs.UnixFsType.Directory ? 0 : e.Size ?? 0, e.Cid.ToString())
            : new MfsListing(e.Name, MfsListing.FileType, 0, ""))];
    }

    /// <summary>`files read`'s checks, with kubo's sentences; then <see cref="ReadAsync(MfsFileRange, CancellationToken)"/> streams.</summary>
    public async Task<MfsFileRange> OpenReadAsync(string path, long offset, long? count, CancellationToken ct)
    {
        path = MfsPath.Check(path);
        // kubo wraps the lookup's error with the path here (and only here).
        var found = await _tree.LookupAsync(RootCid, MfsPath.Segments(path), ct)
            ?? throw new Errors.P2PException(Errors.ErrorKind.NotFound, $"{path}: file does not exist");
        if (await _tree.IsDirectoryAsync(found.Cid, ct))
            throw MfsError.NotFile(path);
        if (offset < 0)
            throw MfsError.Bad("cannot specify negative offset");
        var size = (await _tree.Exporter.StatAsync(found.Cid, ct)).Size;
        if (offset > size)
            throw MfsError.Bad($"offset was past end of file ({offset} > {size})");
        if (count is < 0)
            throw MfsError.Bad("cannot specify negative 'count'");
        return new MfsFileRange(found.Cid, offset, count);
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(MfsFileRange range, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var piece in _tree.Exporter.ReadFileAsync(range.File, range.Offset, range.Count, ct))
            yield return piece;
    }

    // ---- changing ----

    /// <summary>`files mkdir [-p]`.</summary>
    public Task MkdirAsync(string path, bool parents, MfsPrefix? prefix, CancellationToken ct) => MutateAsync(async root =>
    {
        var segments = MfsPath.Segments(MfsPath.Check(path));
        if (segments.Length == 0)
            return parents ? root : throw MfsError.Bad("cannot create directory '/': Already exists");
        return await _tree.EditAsync(root, segments[..^1], parents, async directory =>
        {
            if (directory.Entries.TryGetValue(segments[^1], out var existing))
            {
                if (parents && await _tree.IsDirectoryAsync(existing.Cid, ct))
                    return;
                throw MfsError.Exists();
            }
            directory.Entries[segments[^1]] = _tree.SaveEmpty(prefix ?? directory.Prefix);
        }, ct);
    }, ct);

    /// <summary>`files write`: splices <paramref name="data"/> into the file at the offset and re-imports it.</summary>
    public Task WriteAsync(string path, Stream data, MfsWriteOptions options, CancellationToken ct) => MutateAsync(async root =>
    {
        path = MfsPath.Check(path);
        if (options.Offset < 0)
            throw MfsError.Bad("cannot have negative write offset");
        if (options.Count is < 0)
            throw MfsError.Bad("cannot have negative byte count");
        var segments = MfsPath.Segments(path);
        if (segments.Length == 0)
            throw MfsError.NotFile(path);
        return await _tree.EditAsync(root, segments[..^1], options.Parents, async directory =>
        {
            Cid? old = null;
            long oldSize = 0;
            var prefix = options.Prefix ?? directory.Prefix;
            if (directory.Entries.TryGetValue(segments[^1], out var existing))
            {
                if (await _tree.IsDirectoryAsync(existing.Cid, ct))
                    throw MfsError.NotFile(path);
                old = options.Truncate ? null : existing.Cid;
                oldSize = (await _tree.Exporter.StatAsync(existing.Cid, ct)).Size;
                prefix = options.Prefix ?? MfsPrefix.Of(existing.Cid);
            }
            else if (!options.Create)
            {
                throw MfsError.NotExist();
            }
            await using var spliced = new SpliceStream(_tree.Exporter, old, oldSize, options.Offset, data, options.Count, ct);
            var file = await UnixFsImporter.ImportFileAsync(spliced, prefix.Options(options.RawLeaves), _tree.Store, null, ct);
            directory.Entries[segments[^1]] = (file.Root, (ulong)file.DagSize);
        }, ct);
    }, ct);

    /// <summary>`files rm [-r] [--force] PATH...`: every path is tried; the failures are reported together.</summary>
    public Task RemoveAsync(IReadOnlyList<string> paths, bool recursive, bool force, CancellationToken ct) => MutateAsync(async root =>
    {
        var failures = new List<(string Path, Exception Error)>();
        foreach (var argument in paths)
        {
            try
            {
                root = await RemoveOneAsync(root, MfsPath.Check(argument), recursive, force, ct);
            }
            catch (Errors.P2PException e)
            {
                failures.Add((argument, e));
            }
        }
        if (failures.Count > 0)
        {
            var kind = ((Errors.P2PException)failures[0].Error).Kind;
            throw new Errors.P2PException(kind, string.Join("; ", failures.Select(f => $"{f.Path}: {f.Error.Message}")));
        }
        return root;
    }, ct);

    private async Task<Cid> RemoveOneAsync(Cid root, string path, bool recursive, bool force, CancellationToken ct)
    {
        var segments = MfsPath.Segments(path);
        if (segments.Length == 0)
            throw MfsError.Bad("cannot delete root");
        var parent = await _tree.LookupAsync(root, segments[..^1], ct);
        if (parent is null)
            return force ? root : throw MfsError.NotExist();
        return await _tree.EditAsync(root, segments[..^1], makeParents: false, async directory =>
        {
            if (!directory.Entries.TryGetValue(segments[^1], out var entry))
            {
                if (force)
                    return;
                throw MfsError.NotExist();
            }
            if (!force && !recursive && await _tree.IsDirectoryAsync(entry.Cid, ct))
                throw MfsError.Bad("path is a directory, use -r to remove directories");
            directory.Entries.Remove(segments[^1]);
        }, ct);
    }

    /// <summary>
    /// `files cp SRC DST`: links SRC (an MFS path or /ipfs/CID/...) at DST without copying its blocks, as kubo does;
    /// <paramref name="sourceGetter"/> (a daemon's fetch) reads a content path's root when the repo lacks it.
    /// </summary>
    public Task CopyAsync(string source, string destination, bool parents, bool force, IBlockGetter? sourceGetter, CancellationToken ct) =>
        MutateAsync(async root => await new MfsCopy(_tree, sourceGetter).CopyAsync(root, source, destination, parents, force, ct), ct);

    /// <summary>`files mv SRC DST` (boxo mfs.Mv): onto a file replaces it, onto a directory moves into it.</summary>
    public Task MoveAsync(string source, string destination, CancellationToken ct) =>
        MutateAsync(async root => await MfsCopy.MoveAsync(_tree, root, MfsPath.Check(source), MfsPath.Check(destination), ct), ct);

    /// <summary>`files chcid`: stores the directory at <paramref name="path"/> again with another CID version or hash.</summary>
    public Task ChangeCidAsync(string path, MfsPrefix? prefix, CancellationToken ct) => MutateAsync(async root =>
    {
        if (path == "/")
            throw MfsError.Bad("cannot change CID format of the MFS root; use 'p2p config Import.CidVersion' and 'p2p config Import.HashFunction' instead");
        var segments = MfsPath.Segments(MfsPath.Check(path));
        if (prefix is not { } wanted)
            return root;
        var found = await _tree.LookupAsync(root, segments, ct) ?? throw MfsError.NotExist();
        if (segments.Length == 0 || !await _tree.IsDirectoryAsync(found.Cid, ct))
            throw MfsError.Bad("can only update directories");
        return await _tree.EditAsync(root, segments, makeParents: false, directory =>
        {
            directory.Prefix = wanted;
            return Task.CompletedTask;
        }, ct);
    }, ct);

    /// <summary>`files flush [PATH]`: every change is already durable, so this checks the path and returns its CID.</summary>
    public async Task<Cid> FlushAsync(string path, CancellationToken ct)
    {
        var (cid, _) = await ResolveAsync(MfsPath.Check(path), ct);
        return cid;
    }

    private async Task<(Cid Cid, ulong Tsize)> ResolveAsync(string path, CancellationToken ct) =>
        await _tree.LookupAsync(RootCid, MfsPath.Segments(path), ct) ?? throw MfsError.NotExist();

    private async Task<Cid> ResolveAnyAsync(string path, CancellationToken ct)
    {
        if (MfsPath.IsContentPath(path))
            return await _tree.Exporter.ResolveAsync(MfsPath.CanonicalContentPath(path), ct);
        return (await ResolveAsync(MfsPath.Check(path), ct)).Cid;
    }

    /// <summary>
    /// Runs one change: under the writer lock and the shared gc gate, computes the new root from the current one,
    /// makes the new blocks durable, then persists the root. A change that fails persists nothing.
    /// </summary>
    private async Task MutateAsync(Func<Cid, Task<Cid>> change, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            // Before the gate: EnsureRoot takes it itself, and a shared scope taken twice deadlocks against a waiting gc.
            var root = EnsureRoot();
            using var gate = _repo.GcGate.EnterShared();
            var next = await change(root);
            if (next == root)
                return;
            _repo.Blocks.Flush();
            MfsRootFile.Write(_repo.RootPath, next);
            Volatile.Write(ref _root, next);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// The stored root, or a new empty one stored and persisted. Call under <see cref="_writer"/>, not under the gc gate.
    /// </summary>
    private Cid EnsureRoot()
    {
        if (_root is { } known)
            return known;
        // Temp files of a root write a dead process left (the repo lock proves it is gone).
        if (Directory.Exists(Path.GetDirectoryName(MfsRootFile.PathIn(_repo.RootPath))))
            AtomicFile.RemoveTemporaryFiles(Path.GetDirectoryName(MfsRootFile.PathIn(_repo.RootPath))!);
        var stored = MfsRootFile.Read(_repo.RootPath);
        if (stored is null)
        {
            using var gate = _repo.GcGate.EnterShared();
            stored = _tree.SaveEmpty(MfsPrefix.Default).Cid;
            _repo.Blocks.Flush();
            MfsRootFile.Write(_repo.RootPath, stored);
        }
        Volatile.Write(ref _root, stored);
        return stored;
    }
}
