using P2P.Node.Content.DagPb;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Content.Verifying;
using P2P.Node.Errors;
using P2P.Node.Mfs;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// A node without a network: the repo, the importer and the exporter wired together. The CLI's offline
/// commands and the daemon's API both call its use cases (add and pin, pin, dag import, pin verify), so each is
/// written once and the front ends only parse and print.
/// </summary>
public sealed class LocalContent : IDisposable
{
    /// <summary>Blocks a walk asks for at once: as the exporter's read-ahead on a daemon.</summary>
    public const int WalkParallelism = 64;

    private readonly Repo? _repo;

    private LocalContent(Repo? repo, IBlockStore blocks)
    {
        _repo = repo;
        Blocks = blocks;
        Getter = new OfflineBlockGetter(blocks, repo?.Config.HashOnRead ?? false);
        Exporter = new UnixFsExporter(Getter);
    }

    public static LocalContent Open(string repoPath)
    {
        var repo = Repo.Open(repoPath);
        return new LocalContent(repo, repo.Blocks);
    }

    /// <summary>A node over a throwaway in-memory store, for `add --only-hash` without a repo.</summary>
    public static LocalContent InMemory() => new(null, new MemoryBlockStore());

    public IBlockStore Blocks { get; }

    public IBlockGetter Getter { get; }

    public UnixFsExporter Exporter { get; }

    /// <summary>The repo's mutable file tree (`files` commands), made on first use.</summary>
    public MutableFiles Files => LazyInitializer.EnsureInitialized(ref _files, () => new MutableFiles(Repo, Getter));

    private MutableFiles? _files;

    /// <summary>The repo; throws when this node is an in-memory one.</summary>
    public Repo Repo => _repo ?? throw new InvalidOperationException("this node has no repo");

    /// <summary>
    /// Adds one top-level input of kubo's <c>add</c> (file, tree, symlink or stream) and, if asked, pins its root; the
    /// gc gate is held from the first block to the pin. The last entry is the root.
    /// </summary>
    public Task<IReadOnlyList<ImportedEntry>> AddAsync(
        ImportInput input, ImportOptions options, bool pin, IProgress<long>? progress, CancellationToken cancellationToken) =>
        AddUnderGateAsync(() => UnixFsImporter.ImportAsync(input, options, Blocks, progress, cancellationToken), pin);

    /// <summary>kubo's <c>add -w</c>: every input inside one new directory, which is the root pinned and printed last.</summary>
    public Task<IReadOnlyList<ImportedEntry>> AddWrappedAsync(
        IReadOnlyList<ImportInput> inputs, ImportOptions options, bool pin, IProgress<long>? progress, CancellationToken cancellationToken) =>
        AddUnderGateAsync(() => UnixFsImporter.ImportWrappedAsync(inputs, options, Blocks, progress, cancellationToken), pin);

    private async Task<IReadOnlyList<ImportedEntry>> AddUnderGateAsync(Func<Task<IReadOnlyList<ImportedEntry>>> import, bool pin)
    {
        using var scope = _repo?.GcGate.EnterShared();
        var entries = await import();
        Blocks.Flush();
        if (pin && _repo is not null && entries.Count > 0)
            _repo.Pins.Add(entries[^1].Cid, PinKind.Recursive);
        return entries;
    }

    /// <summary>
    /// kubo's multipart add, imported as <paramref name="feed"/> hands in the parts (<see cref="UploadImport"/>); then the
    /// root of each unit it returns (every top-level item, or the one wrapper of -w) is pinned if asked. The gc gate is
    /// held from the first part to the last pin. When <paramref name="feed"/> throws (a bad part, a client gone), nothing
    /// is pinned; blocks already stored stay unpinned, for gc, as after an interrupted raw add.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<ImportedEntry>>> AddUploadAsync(
        Func<UploadImport, Task> feed, ImportOptions options, bool wrap, bool pin, StoredBlocks? stored,
        Func<string?, IProgress<long>?> progressFor, CancellationToken cancellationToken)
    {
        using var scope = _repo?.GcGate.EnterShared();
        var upload = new UploadImport(options, Blocks, stored, wrap, progressFor, cancellationToken);
        await feed(upload);
        var units = upload.Finish();
        Blocks.Flush();
        if (pin && _repo is not null)
        {
            foreach (var unit in units)
                _repo.Pins.Add(unit[^1].Cid, PinKind.Recursive);
        }
        return units;
    }

    /// <summary>Adds one stream (stdin, an HTTP body) and optionally pins it; <paramref name="stored"/> gets each block stored.</summary>
    public async Task<ImportResult> AddStreamAsync(
        Stream source, ImportOptions options, bool pin, StoredBlocks? stored, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var scope = _repo?.GcGate.EnterShared();
        var result = await UnixFsImporter.ImportFileAsync(source, options, Blocks, stored, progress, cancellationToken);
        Blocks.Flush();
        if (pin && _repo is not null)
            _repo.Pins.Add(result.Root, PinKind.Recursive);
        return result;
    }

    /// <summary>
    /// Pins <paramref name="cid"/>. A recursive pin first checks that the whole DAG is present and intact, so a pin
    /// never promises content the repo cannot serve.
    /// </summary>
    public Task PinAsync(Cid cid, bool recursive, CancellationToken cancellationToken) =>
        PinAsync(cid, recursive, Getter, cancellationToken);

    /// <summary>Pins <paramref name="cid"/>, reading the DAG through <paramref name="getter"/> (a daemon's fetch session).</summary>
    public async Task PinAsync(Cid cid, bool recursive, IBlockGetter getter, CancellationToken cancellationToken)
    {
        using var scope = Repo.GcGate.EnterShared();
        if (recursive)
            await WalkAsync(cid, getter, cancellationToken);
        else
            await getter.GetBlockAsync(cid, cancellationToken);
        Repo.Pins.Add(cid, recursive ? PinKind.Recursive : PinKind.Direct);
    }

    /// <summary>Starts kubo's `dag import` (CARs stored, then their roots pinned) under the gc gate; dispose to end it.</summary>
    public DagImport BeginDagImport() => new(this);

    /// <summary>
    /// kubo's `pin verify`: each pin's status as its DAG is walked. The gc gate is held (shared) until the enumeration
    /// ends, so a concurrent gc cannot remove blocks mid-walk and make a sound pin look broken.
    /// </summary>
    public IEnumerable<PinStatus> VerifyPins(CancellationToken cancellationToken)
    {
        using var gate = Repo.GcGate.EnterShared();
        foreach (var status in PinVerifier.Verify(Blocks, Pins(), cancellationToken))
            yield return status;
    }

    /// <summary>The node's PeerId, read from the repo's identity key.</summary>
    public PeerId PeerId()
    {
        using var identity = NodeIdentity.FromPrivateKey(Repo.ReadIdentityKey());
        return identity.PeerId;
    }

    public bool Unpin(Cid cid) => Repo.Pins.Remove(cid);

    public IReadOnlyList<Pin> Pins() => Repo.Pins.List();

    public GcResult CollectGarbage(CancellationToken cancellationToken) => Repo.CollectGarbage(DagPbLinkDecoder.Instance, cancellationToken);

    public VerifyResult Verify(CancellationToken cancellationToken) => Repo.Verify(DagPbLinkDecoder.Instance, cancellationToken);

    public RepoStat Stat() => Repo.Stat();

    /// <summary>
    /// Stores one block whose CID the caller computed from its bytes (`block put`). A dag-pb block must decode as
    /// dag-pb: a block that claims the codec but is not would make every later walk (cat, ls, pin, gc) fail on it,
    /// so it is refused (<see cref="ErrorKind.BadInput"/>) and nothing is stored.
    /// </summary>
    public void PutBlock(Cid cid, ReadOnlyMemory<byte> data)
    {
        if (!cid.Multihash.Matches(data.Span))
            throw new CorruptBlockException(cid);
        if (cid.Codec == Multicodec.DagPb && !DagPbCodec.TryDecode(data, out _, out var error))
            throw new P2PException(ErrorKind.BadInput, $"the data is not a valid dag-pb block ({error}); store it with --cid-codec raw");
        if (cid.Codec is not (Multicodec.DagPb or Multicodec.Raw))
            throw new P2PException(ErrorKind.BadInput, $"codec {Multicodec.Name(cid.Codec)} is not supported: p2p stores raw and dag-pb blocks");
        Blocks.Put(cid, data.Span);
        Blocks.Flush();
    }

    /// <summary>
    /// Fetches (and so verifies) every block of a DAG, breadth first, each block once, and returns their CIDs in
    /// that order (the root first): what a running daemon announces after an add.
    /// </summary>
    public Task<IReadOnlyList<Cid>> WalkAsync(Cid root, CancellationToken cancellationToken) =>
        WalkAsync(root, Getter, cancellationToken);

    /// <summary>
    /// The walk above through <paramref name="getter"/>, one level of the DAG at a time with up to
    /// <see cref="WalkParallelism"/> blocks asked at once, so a fetching getter keeps every provider busy.
    /// </summary>
    public static async Task<IReadOnlyList<Cid>> WalkAsync(Cid root, IBlockGetter getter, CancellationToken cancellationToken)
    {
        var seen = new HashSet<Multihash> { root.Multihash };
        var order = new List<Cid>();
        List<Cid> level = [root];
        while (level.Count > 0)
        {
            // Only each block's links are kept, never the block: a level of leaves may be the whole file.
            var links = new IReadOnlyList<Cid>[level.Count];
            await Parallel.ForAsync(0, level.Count,
                new ParallelOptions { MaxDegreeOfParallelism = WalkParallelism, CancellationToken = cancellationToken },
                async (i, ct) => links[i] = [.. DagPbLinkDecoder.Instance.GetLinks(level[i], await getter.GetBlockAsync(level[i], ct))]);
            var next = new List<Cid>();
            for (var i = 0; i < level.Count; i++)
            {
                order.Add(level[i]);
                foreach (var link in links[i])
                {
                    if (seen.Add(link.Multihash))
                        next.Add(link);
                }
            }
            level = next;
        }
        return order;
    }

    public void Dispose() => _repo?.Dispose();
}
