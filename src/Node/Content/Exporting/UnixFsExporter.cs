using System.Runtime.CompilerServices;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.Exporting;

/// <summary>
/// Reads UnixFS DAGs back: file bytes (whole or a range), path resolution, directory listings, node kinds, and
/// whole trees written to disk. Every block comes through the <see cref="IBlockGetter"/>, which verifies it;
/// a malformed node raises <see cref="InvalidDataException"/> naming its CID. Flat and HAMT-sharded directories
/// are both read (listed, resolved, exported). Thread-safe (no mutable state).
/// </summary>
public sealed class UnixFsExporter
{
    public const int DefaultReadAhead = 24;

    private readonly IBlockGetter _getter;
    private readonly int _readAhead;
    private readonly ReadAheadBudget _budget;

    /// <summary>
    /// <paramref name="readAhead"/> caps the blocks one file read fetches ahead of the one it returns (reached only
    /// while the reader waits on its source); <paramref name="budget"/>, when given, caps them over every reader
    /// that shares it.
    /// </summary>
    public UnixFsExporter(IBlockGetter getter, int readAhead = DefaultReadAhead, ReadAheadBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readAhead, 0);
        _getter = getter;
        _readAhead = readAhead;
        _budget = budget ?? ReadAheadBudget.Unlimited;
    }

    /// <summary>
    /// Resolves <c>cid</c>, <c>cid/a/b</c> or <c>/ipfs/cid/a/b</c> to the CID it names by walking directory links.
    /// Throws <see cref="FormatException"/> for a bad CID and <see cref="FileNotFoundException"/> for a missing name.
    /// </summary>
    public async Task<Cid> ResolveAsync(string path, CancellationToken cancellationToken = default)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[0] == "ipfs")
            segments = segments[1..];
        if (segments.Length == 0)
            throw new FormatException($"'{path}' names no CID");
        var cid = Cid.Parse(segments[0]);
        foreach (var name in segments.Skip(1))
        {
            var node = await FetchAsync(cid, cancellationToken);
            if (node.UnixFs.Type is not (UnixFsType.Directory or UnixFsType.HamtShard))
                throw new FileNotFoundException($"cannot look up '{name}': {cid} is a {Describe(node.UnixFs.Type)}, not a directory");
            var found = await DirectoryReader.FindAsync(this, node, name, cancellationToken);
            cid = found ?? throw new FileNotFoundException($"no link named '{name}' under {cid}");
        }
        return cid;
    }

    public async Task<UnixFsNodeInfo> StatAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var node = await FetchAsync(cid, cancellationToken);
        return Info(node);
    }

    /// <summary>
    /// Lists a directory in link order. With <paramref name="resolveChildren"/> each child's root block is
    /// fetched (up to the read-ahead in parallel) to report its type and size, as <c>ipfs ls</c> does.
    /// </summary>
    public async Task<IReadOnlyList<UnixFsDirectoryEntry>> ListAsync(
        Cid cid, bool resolveChildren = true, CancellationToken cancellationToken = default)
    {
        var node = await FetchAsync(cid, cancellationToken);
        var links = await DirectoryLinksAsync(node, cancellationToken);
        var entries = new UnixFsDirectoryEntry[links.Count];
        for (var i = 0; i < links.Count; i++)
            entries[i] = new UnixFsDirectoryEntry(links[i].Name!, links[i].Hash, links[i].Tsize, null, null);
        if (resolveChildren && links.Count > 0)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _readAhead), CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, links.Count), parallel, async (i, ct) =>
            {
                var child = await FetchAsync(entries[i].Cid, ct);
                entries[i] = entries[i] with { Type = KindOf(child), Size = child.Size };
            });
        }
        return entries;
    }

    /// <summary>
    /// The bytes of a file from <paramref name="offset"/>, at most <paramref name="length"/> of them, in order.
    /// Each piece is valid until the next is asked for. Throws <see cref="InvalidOperationException"/> when the
    /// CID is not a file.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadFileAsync(
        Cid cid, long offset = 0, long? length = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0)
            throw new ArgumentOutOfRangeException(nameof(length), "length must not be negative");
        var root = await FetchAsync(cid, cancellationToken);
        if (!root.IsFile)
            throw new InvalidOperationException($"{cid} is a {Describe(root.UnixFs.Type)}, not a file");
        var start = Math.Min(offset, root.Size);
        var end = length is { } n && n < root.Size - start ? start + n : root.Size;
        await foreach (var part in ReadRangeAsync(root, start, end, cancellationToken))
            yield return part;
    }

    /// <summary>Writes a file's bytes (or a range of them) to <paramref name="destination"/>; returns the count written.</summary>
    public async Task<long> WriteFileAsync(
        Cid cid, Stream destination, long offset = 0, long? length = null,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        long written = 0;
        await foreach (var part in ReadFileAsync(cid, offset, length, cancellationToken))
        {
            await destination.WriteAsync(part, cancellationToken);
            written += part.Length;
            progress?.Report(written);
        }
        return written;
    }

    /// <summary>
    /// Writes the file, symlink or directory tree named by <paramref name="cid"/> at <paramref name="destination"/>,
    /// which must not exist yet. Entry names are checked so a hostile directory cannot write outside it.
    /// </summary>
    public Task ExportAsync(Cid cid, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        new TreeExport(this, progress, cancellationToken).ExportAsync(cid, destination, 0);

    internal async Task<UnixFsNode> FetchAsync(Cid cid, CancellationToken cancellationToken) =>
        UnixFsNode.Decode(cid, await _getter.GetBlockAsync(cid, cancellationToken));

    internal async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadRangeAsync(
        UnixFsNode root, long start, long end, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var reader = new FileReader(_getter, _readAhead, _budget, cts.Token);
            await foreach (var part in reader.ReadAsync(root, start, end, 0))
                yield return part;
        }
        finally
        {
            // Stops read-ahead fetches nobody will consume.
            await cts.CancelAsync();
        }
    }

    /// <summary>Every entry of a flat or sharded directory, with the shard prefixes taken off the names.</summary>
    internal async Task<IReadOnlyList<DagPb.PbLink>> DirectoryLinksAsync(UnixFsNode node, CancellationToken cancellationToken)
    {
        var links = new List<DagPb.PbLink>();
        await foreach (var link in DirectoryReader.EntriesAsync(this, node, cancellationToken))
            links.Add(link);
        return links;
    }

    private static UnixFsNodeInfo Info(UnixFsNode node)
    {
        long cumulative = node.BlockSize;
        foreach (var link in node.Links)
            cumulative += (long)Math.Min(link.Tsize ?? 0, (ulong)(long.MaxValue / 2));
        var target = node.UnixFs.Type == UnixFsType.Symlink ? System.Text.Encoding.UTF8.GetString(node.Inline.Span) : null;
        return new UnixFsNodeInfo(node.Cid, KindOf(node), node.Size, node.BlockSize, cumulative, node.Links.Count, target);
    }

    /// <summary>Raw leaves read as files and sharded directories as directories: what a user sees, not the encoding.</summary>
    private static UnixFsType KindOf(UnixFsNode node) => node.IsFile ? UnixFsType.File
        : node.UnixFs.Type == UnixFsType.HamtShard ? UnixFsType.Directory : node.UnixFs.Type;

    internal static string Describe(UnixFsType type) => type switch
    {
        UnixFsType.HamtShard or UnixFsType.Directory => "directory",
        UnixFsType.Symlink => "symlink",
        UnixFsType.Metadata => "metadata node",
        _ => "file",
    };
}
