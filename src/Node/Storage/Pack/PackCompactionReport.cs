namespace P2P.Node.Storage.Pack;

/// <summary>What one compaction did, gathered as it goes (<see cref="PackCompactor"/>, <see cref="PackRewriter"/>). Under the write lock.</summary>
internal sealed class PackCompactionReport
{
    public int Rewritten;
    public long Copied;
    public long Reclaimed;
    public readonly List<UnreadableBlock> Damaged = [];
    public readonly List<string> Repaired = [];
    public string? Shortfall;

    /// <summary>Copies a damaged run to quarantine and reports it; false (segment to be kept) when the copy failed.</summary>
    public bool QuarantineRun(PackState state, PackSegment segment, PackDamage damage)
    {
        var kept = PackQuarantine.Save(state.RootDirectory, segment, damage);
        Damaged.Add(state.DamageReport(segment, damage, kept));
        return kept;
    }

    public PackCompactionResult ToResult() => new(Rewritten, Copied, Reclaimed)
    {
        Damaged = Damaged,
        Repaired = Repaired,
        Shortfall = Shortfall,
    };
}
