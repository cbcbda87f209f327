using P2P.Node.Multiformats;

namespace P2P.Node.Content.Importing;

/// <summary>What importing one file produced: its root, its length and the DAG's cumulative size (the link Tsize).</summary>
public sealed record ImportResult(Cid Root, long FileSize, long DagSize, long BlockCount);
