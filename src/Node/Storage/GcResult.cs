using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// What a gc removed: each block as CIDv1 raw of its multihash (the store keeps no codec), and the bytes freed;
/// with a pack store, also what compaction found damaged or repaired, pinned blocks lost to that damage, and,
/// when the disk was too full to finish, how much space it needs.
/// </summary>
public sealed record GcResult(IReadOnlyList<Cid> Removed, long BytesFreed, int Kept)
{
    public IReadOnlyList<UnreadableBlock> Damaged { get; init; } = [];

    public IReadOnlyList<string> Repaired { get; init; } = [];

    public IReadOnlyList<MissingBlock> Missing { get; init; } = [];

    /// <summary>Null, or why space could not all be given back, saying how much is needed.</summary>
    public string? Shortfall { get; init; }

    /// <summary>Something was found damaged or a pinned block is gone: `repo gc` exits 5.</summary>
    public bool FoundDamage => Damaged.Count > 0 || Missing.Count > 0;
}
