using System.Buffers;
using P2P.Node.Storage;

namespace P2P.Node.Content.Importing;

/// <summary>
/// kubo-identical <c>ipfs add</c>: fixed-size or content-defined (rabin, buzhash) chunks, balanced layout, raw or dag-pb leaves, flat directories.
/// A file is pipelined: this thread reads chunks into pooled buffers, up to <c>2 × Parallelism + 2</c> chunks
/// are hashed and stored at once on the thread pool, and finished leaves join the tree strictly in file order.
/// Memory is bounded by that window and the tree's open levels, not by the file size.
/// </summary>
public static class UnixFsImporter
{
    /// <summary>Imports one file from <paramref name="source"/>; <paramref name="progress"/> gets bytes imported so far.</summary>
    public static Task<ImportResult> ImportFileAsync(
        Stream source,
        ImportOptions options,
        IBlockStore store,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default) =>
        ImportFileAsync(source, options, store, null, progress, cancellationToken);

    /// <summary>The same, recording each block stored in <paramref name="stored"/>.</summary>
    public static async Task<ImportResult> ImportFileAsync(
        Stream source,
        ImportOptions options,
        IBlockStore store,
        StoredBlocks? stored,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        options.Validate();
        var nodes = new NodeBuilder(options, store, stored);
        var (root, bytes) = await ImportFileCoreAsync(source, nodes, progress, 0, cancellationToken);
        return new ImportResult(root.Cid, bytes, (long)root.DagSize, nodes.BlockCount);
    }

    /// <summary>
    /// Imports a file, a symlink or (with <paramref name="recursive"/>) a directory tree, like <c>ipfs add [-r]</c>.
    /// Returns every entry added, files and symlinks in walk order then directories children-first, as kubo prints
    /// them; the last entry is the root. Dot-files below the root are skipped unless
    /// <see cref="ImportOptions.IncludeHidden"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ImportedEntry>> ImportPathAsync(
        string path,
        bool recursive,
        ImportOptions options,
        IBlockStore store,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var info = new FileInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        FileSystemInfo item = info.Exists || info.LinkTarget is not null ? info : new DirectoryInfo(info.FullName);
        if (!item.Exists && item.LinkTarget is null)
            throw new FileNotFoundException($"{path}: no such file or directory", path);
        if (item is DirectoryInfo && item.LinkTarget is null && !recursive)
            throw new ArgumentException($"{path} is a directory; add it recursively", nameof(path));
        var walk = new TreeWalk(new NodeBuilder(options, store), progress, cancellationToken);
        await walk.AddAsync(item, item.Name);
        return [.. walk.Files, .. walk.Directories];
    }

    /// <summary>
    /// Imports one top-level input of kubo's <c>add</c> (a file, a directory tree, a symlink stored as a link, or a
    /// stream). Returns its entries as <see cref="ImportPathAsync"/> does; the last one is the root.
    /// </summary>
    public static Task<IReadOnlyList<ImportedEntry>> ImportAsync(
        ImportInput input,
        ImportOptions options,
        IBlockStore store,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default) =>
        ImportWalkAsync([input], wrap: false, options, store, progress, cancellationToken);

    /// <summary>
    /// kubo's <c>add -w</c>: imports every input and a directory that links each under its name (an unnamed
    /// stream under its CID). Returns the files, then the directories children first, then the wrapper, whose
    /// path is empty, as kubo prints it.
    /// </summary>
    public static Task<IReadOnlyList<ImportedEntry>> ImportWrappedAsync(
        IReadOnlyList<ImportInput> inputs,
        ImportOptions options,
        IBlockStore store,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default) =>
        ImportWalkAsync(inputs, wrap: true, options, store, progress, cancellationToken);

    private static async Task<IReadOnlyList<ImportedEntry>> ImportWalkAsync(
        IReadOnlyList<ImportInput> inputs, bool wrap, ImportOptions options, IBlockStore store, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        var walk = new TreeWalk(new NodeBuilder(options, store), progress, cancellationToken);
        var added = new List<(string Name, DagChild Child)>(inputs.Count);
        foreach (var input in inputs)
        {
            if (input.Data is { } data)
            {
                added.Add(await walk.AddStreamAsync(data, input.Name));
            }
            else if (input.Name is null)
            {
                await using var file = File.OpenRead(input.Item!.FullName);
                added.Add(await walk.AddStreamAsync(file, null));
            }
            else
            {
                added.Add((input.Name, await walk.AddAsync(input.Item!, input.Name)));
            }
        }
        if (wrap)
            walk.Wrap(added);
        return [.. walk.Files, .. walk.Directories];
    }

    internal static async Task<(DagChild Root, long Bytes)> ImportFileCoreAsync(
        Stream source, NodeBuilder nodes, IProgress<long>? progress, long progressBase, CancellationToken cancellationToken)
    {
        using var chunks = nodes.Options.EffectiveChunker.Open(source);
        var tree = new BalancedTreeBuilder(nodes);
        var window = new Queue<Task<DagChild>>();
        var maxInFlight = 2 * nodes.Options.EffectiveParallelism + 2;
        var chunkRoom = chunks.BufferLength;
        var bufferSize = NodeBuilder.LeafHeaderRoom + chunkRoom + NodeBuilder.LeafTrailerRoom;
        long bytes = 0;
        var first = true;
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                int read;
                try
                {
                    read = await chunks.ReadChunkAsync(buffer.AsMemory(NodeBuilder.LeafHeaderRoom, chunkRoom), cancellationToken);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                // An empty file still has one (empty) leaf; otherwise end of stream ends the file.
                if (read == 0 && !first)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                first = false;
                window.Enqueue(Task.Run(() => HashLeaf(nodes, buffer, read)));
                while (window.Count >= maxInFlight)
                    bytes = Consume(tree, await window.Dequeue(), bytes, progress, progressBase);
                if (chunks.IsExhausted)
                    break;
            }
            while (window.Count > 0)
                bytes = Consume(tree, await window.Dequeue(), bytes, progress, progressBase);
        }
        finally
        {
            // On failure let the leaves already started finish so their pooled buffers go back to the pool.
            while (window.Count > 0)
            {
                try
                {
                    await window.Dequeue();
                }
                catch (Exception)
                {
                    // The first error is the one being thrown; later ones add nothing.
                }
            }
        }
        return (tree.Finish(), bytes);
    }

    private static DagChild HashLeaf(NodeBuilder nodes, byte[] buffer, int length)
    {
        try
        {
            return nodes.StoreLeaf(buffer, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long Consume(BalancedTreeBuilder tree, DagChild leaf, long bytes, IProgress<long>? progress, long progressBase)
    {
        tree.AddLeaf(leaf);
        bytes += (long)leaf.FileSize;
        progress?.Report(progressBase + bytes);
        return bytes;
    }
}
