using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// Mark and sweep over any <see cref="IBlockStore"/>: mark every block reachable from a recursive pin and every
/// directly pinned block, then delete the rest. Killing it at any point is safe: marking writes nothing, each
/// delete is idempotent and stands alone, and pins are never touched. The caller must keep writers out (see
/// <see cref="GcGate"/>), or a block put between mark and sweep, before its pin, could be swept.
/// </summary>
public static class GarbageCollector
{
    public static GcResult Collect(IBlockStore store, IEnumerable<Pin> pins, ILinkDecoder links, CancellationToken cancellationToken = default) =>
        Collect(store, pins, [], links, cancellationToken);

    /// <summary>
    /// As above, also keeping every block reachable from <paramref name="bestEffortRoots"/> that the store holds (the
    /// MFS root: kubo's gc walks it best-effort, since `files cp /ipfs/CID` links a DAG that may be only partly here).
    /// </summary>
    public static GcResult Collect(IBlockStore store, IEnumerable<Pin> pins, IEnumerable<Cid> bestEffortRoots, ILinkDecoder links,
        CancellationToken cancellationToken = default)
    {
        var live = Mark(store, pins, links, cancellationToken);
        MarkBestEffort(store, bestEffortRoots, links, live, cancellationToken);
        var removed = new List<Cid>();
        long freed = 0;
        var kept = 0;
        // Materialise the listing first so deleting does not race with the directory enumeration.
        foreach (var multihash in store.EnumerateMultihashes().ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (live.Contains(multihash))
            {
                kept++;
                continue;
            }
            var cid = Cid.V1(Multicodec.Raw, multihash);
            var size = store.GetSize(cid);
            if (store.Delete(cid))
            {
                removed.Add(cid);
                freed += Math.Max(size, 0);
            }
        }
        return new GcResult(removed, freed, kept);
    }

    /// <summary>
    /// Every block a pin needs that is absent or does not decode, walking the pins as <see cref="Mark"/> does
    /// but going on past a missing block, so `repo verify` and gc can name each one. Raw leaves are only
    /// looked up, not read: verify re-hashes them anyway.
    /// </summary>
    public static List<MissingBlock> FindMissing(IBlockStore store, IEnumerable<Pin> pins, ILinkDecoder links, CancellationToken cancellationToken = default)
    {
        var missing = new List<MissingBlock>();
        var seen = new HashSet<Multihash>();
        var pending = new Stack<(Cid Cid, Cid Root, bool Recursive)>();
        foreach (var pin in pins)
            pending.Push((pin.Cid, pin.Cid, pin.Kind == PinKind.Recursive));
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (cid, root, recursive) = pending.Pop();
            if (!seen.Add(cid.Multihash) || cid.Multihash.Code == Multicodec.Identity)
                continue;
            if (!recursive || cid.Codec == Multicodec.Raw)
            {
                if (!store.Has(cid))
                    missing.Add(new MissingBlock(cid, root, "not in the repo"));
                continue;
            }
            var block = store.Get(cid);
            if (block is null)
            {
                missing.Add(new MissingBlock(cid, root, "not in the repo"));
                continue;
            }
            try
            {
                foreach (var child in links.GetLinks(cid, block).ToList())
                    pending.Push((child, root, true));
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                missing.Add(new MissingBlock(cid, root, $"does not decode ({e.Message})"));
            }
        }
        return missing;
    }

    /// <summary>
    /// Adds to <paramref name="live"/> every block reachable from <paramref name="roots"/> through blocks the store
    /// holds; a missing block is skipped with what lies below it (a DAG `files cp` linked may be only partly here),
    /// one that is here but does not decode stops gc before anything is removed.
    /// </summary>
    public static void MarkBestEffort(IBlockStore store, IEnumerable<Cid> roots, ILinkDecoder links, HashSet<Multihash> live,
        CancellationToken cancellationToken = default)
    {
        var pending = new Stack<Cid>(roots);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var cid = pending.Pop();
            if (!live.Add(cid.Multihash) || cid.Codec == Multicodec.Raw || cid.Multihash.Code == Multicodec.Identity)
                continue;
            if (store.Get(cid) is not { } block)
                continue;
            try
            {
                foreach (var child in links.GetLinks(cid, block).ToList())
                    pending.Push(child);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                // A block that is here but does not decode is damage, not a partial DAG: its children cannot be told
                // apart from garbage, so gc stops as it does under a pin (one bad byte must not cost the files below).
                throw new RepoException(RepoErrorReason.Corrupt,
                    $"gc stopped, nothing removed: block {cid} under the MFS root does not decode ({e.Message}); run `p2p repo verify`", e);
            }
        }
    }

    /// <summary>
    /// The multihashes that must be kept. A block missing below a recursive pin, or one that does not decode,
    /// aborts gc before anything is deleted (as kubo's gc does): its children cannot be told apart from garbage.
    /// </summary>
    public static HashSet<Multihash> Mark(IBlockStore store, IEnumerable<Pin> pins, ILinkDecoder links, CancellationToken cancellationToken = default)
    {
        var live = new HashSet<Multihash>();
        var pending = new Stack<(Cid Cid, Cid Root)>();
        foreach (var pin in pins)
        {
            if (pin.Kind == PinKind.Direct)
                live.Add(pin.Cid.Multihash);
            else
                pending.Push((pin.Cid, pin.Cid));
        }
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (cid, root) = pending.Pop();
            if (!live.Add(cid.Multihash) || cid.Codec == Multicodec.Raw || cid.Multihash.Code == Multicodec.Identity)
                continue;
            var block = store.Get(cid) ?? throw new RepoException(RepoErrorReason.Corrupt,
                $"gc stopped, nothing removed: block {cid} under recursive pin {root} is missing (fetch it, or unpin {root})");
            IEnumerable<Cid> children;
            try
            {
                children = links.GetLinks(cid, block).ToList();
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                throw new RepoException(RepoErrorReason.Corrupt,
                    $"gc stopped, nothing removed: block {cid} under recursive pin {root} does not decode ({e.Message}); run `p2p repo verify`", e);
            }
            foreach (var child in children)
                pending.Push((child, root));
        }
        return live;
    }
}
