using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's `block rm`: deletes blocks from the repo, refusing any a pin needs, directly (<c>pinned: direct</c>,
/// <c>pinned: recursive</c>) or as part of a pinned DAG (<c>pinned via &lt;root&gt;</c>), so a pin never promises a
/// block that is gone. Runs under the gc gate held exclusively, as kubo holds its GC lock: no add or pin can be halfway
/// through a DAG that shares a block being removed.
/// </summary>
public static class BlockRemoval
{
    /// <summary>
    /// One result per CID in order: removed (<c>Error</c> null) or why not. Without <paramref name="force"/> a block
    /// the repo lacks is an error; with it, as kubo, it counts as removed.
    /// </summary>
    public static IReadOnlyList<BlockRemoved> Remove(Repo repo, IReadOnlyList<Cid> cids, bool force, CancellationToken ct)
    {
        using var gate = repo.GcGate.EnterExclusive();
        var pins = repo.Pins.List();
        var direct = new Dictionary<Multihash, PinKind>();
        foreach (var pin in pins)
            direct[pin.Cid.Multihash] = direct.TryGetValue(pin.Cid.Multihash, out var kind) && kind == PinKind.Recursive ? kind : pin.Kind;
        Dictionary<Multihash, Cid>? indirect = null;
        var results = new List<BlockRemoved>();
        foreach (var cid in cids)
        {
            ct.ThrowIfCancellationRequested();
            if (direct.TryGetValue(cid.Multihash, out var kind))
            {
                results.Add(new BlockRemoved(cid, $"pinned: {(kind == PinKind.Recursive ? "recursive" : "direct")}", Pinned: true));
                continue;
            }
            indirect ??= Indirect(repo.Blocks, pins, ct);
            if (indirect.TryGetValue(cid.Multihash, out var root))
            {
                results.Add(new BlockRemoved(cid, $"pinned via {root}", Pinned: true));
                continue;
            }
            if (!repo.Blocks.Delete(cid) && !force)
                results.Add(new BlockRemoved(cid, $"block {cid} is not in the repo", Pinned: false));
            else
                results.Add(new BlockRemoved(cid, null, Pinned: false));
        }
        repo.Blocks.Flush();
        return results;
    }

    /// <summary>Every block below a recursive pin that the repo holds, with the pin it is reached from.</summary>
    private static Dictionary<Multihash, Cid> Indirect(IBlockStore blocks, IReadOnlyList<Pin> pins, CancellationToken ct)
    {
        var below = new Dictionary<Multihash, Cid>();
        foreach (var pin in pins.Where(p => p.Kind == PinKind.Recursive))
        {
            var pending = new Stack<Cid>();
            pending.Push(pin.Cid);
            while (pending.TryPop(out var cid))
            {
                ct.ThrowIfCancellationRequested();
                // A block the repo lacks has no links to follow here; `pin verify` is where it gets reported.
                if (blocks.Get(cid) is not { } block)
                    continue;
                IReadOnlyList<Content.DagPb.PbLink> links;
                try
                {
                    links = RefsWalk.LinksOf(cid, block);
                }
                catch (InvalidDataException)
                {
                    continue;
                }
                foreach (var link in links)
                {
                    if (below.TryAdd(link.Hash.Multihash, pin.Cid))
                        pending.Push(link.Hash);
                }
            }
        }
        return below;
    }
}
