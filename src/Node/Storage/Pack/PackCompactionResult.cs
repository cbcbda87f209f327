namespace P2P.Node.Storage.Pack;

/// <summary>
/// What <see cref="PackBlockStore.Compact"/> did: segments rewritten or dropped, live bytes copied, disk bytes given
/// back; damaged runs it found (each copied to quarantine, or its segment kept), records it recovered from a damaged
/// header, and, when the disk was too full to move some segment's live records, how much space that needs.
/// </summary>
public sealed record PackCompactionResult(int SegmentsRewritten, long BytesCopied, long BytesReclaimed)
{
    public IReadOnlyList<UnreadableBlock> Damaged { get; init; } = [];

    public IReadOnlyList<string> Repaired { get; init; } = [];

    /// <summary>Null, or why compaction stopped early for want of space, with the bytes it would need.</summary>
    public string? Shortfall { get; init; }
}
