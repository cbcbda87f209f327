using P2P.Node.Multiformats;

namespace P2P.Node.Content.Importing;

/// <summary>A finished subtree as its parent links it: CID, bytes of file it covers, and cumulative size (Tsize).</summary>
internal readonly record struct DagChild(Cid Cid, ulong FileSize, ulong DagSize);
