using P2P.Node.Content;

namespace P2P.Node.Storage;

/// <summary>What a gc removed: each block as CIDv1 raw of its multihash (the store keeps no codec), and the bytes freed.</summary>
public sealed record GcResult(IReadOnlyList<Cid> Removed, long BytesFreed, int Kept);
