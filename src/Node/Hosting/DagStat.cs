using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>One root of `dag stat`: its DAG's distinct blocks and their bytes.</summary>
public sealed record DagStat(Cid Cid, ulong Size, long NumBlocks);
