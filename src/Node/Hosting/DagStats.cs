using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's `dag stat`: for each root, the blocks of its DAG counted once each and their bytes; over all roots, the
/// bytes of the distinct blocks (TotalSize), the bytes counted more than once (SharedSize) and their ratio.
/// </summary>
public sealed class DagStats
{
    private DagStats(IReadOnlyList<DagStat> roots, int uniqueBlocks, ulong totalSize, ulong sharedSize, float ratio)
    {
        Roots = roots;
        UniqueBlocks = uniqueBlocks;
        TotalSize = totalSize;
        SharedSize = sharedSize;
        Ratio = ratio;
    }

    public IReadOnlyList<DagStat> Roots { get; }

    public int UniqueBlocks { get; }

    public ulong TotalSize { get; }

    public ulong SharedSize { get; }

    public float Ratio { get; }

    /// <summary>Walks each root's DAG through <paramref name="blocks"/> (held blocks, or fetched by a daemon).</summary>
    public static async Task<DagStats> ComputeAsync(IReadOnlyList<Cid> roots, IBlockGetter blocks, CancellationToken ct)
    {
        var distinct = new HashSet<Multihash>();
        var stats = new List<DagStat>();
        ulong total = 0, counted = 0;
        foreach (var root in roots)
        {
            var seen = new HashSet<Multihash> { root.Multihash };
            var pending = new Stack<Cid>();
            pending.Push(root);
            ulong size = 0;
            long count = 0;
            while (pending.TryPop(out var cid))
            {
                var block = await blocks.GetBlockAsync(cid, ct);
                size += (ulong)block.Length;
                count++;
                if (distinct.Add(cid.Multihash))
                    total += (ulong)block.Length;
                foreach (var link in RefsWalk.LinksOf(cid, block))
                {
                    if (seen.Add(link.Hash.Multihash))
                        pending.Push(link.Hash);
                }
            }
            counted += size;
            stats.Add(new DagStat(root, size, count));
        }
        return new DagStats(stats, distinct.Count, total, counted - total, total == 0 ? 0 : (float)counted / total);
    }

    /// <summary>kubo's DagStatSummary JSON: CIDs as strings, zero fields left out as Go's omitempty does.</summary>
    public Dictionary<string, object> KuboSummary()
    {
        var summary = new Dictionary<string, object>();
        if (UniqueBlocks != 0)
            summary["UniqueBlocks"] = UniqueBlocks;
        if (TotalSize != 0)
            summary["TotalSize"] = TotalSize;
        if (SharedSize != 0)
            summary["SharedSize"] = SharedSize;
        if (Ratio != 0)
            summary["Ratio"] = Ratio;
        summary["DagStats"] = Roots.Select(r => new Dictionary<string, object>
        {
            ["Cid"] = r.Cid.ToString(),
            ["Size"] = r.Size,
            ["NumBlocks"] = r.NumBlocks,
        }).ToArray();
        return summary;
    }
}
