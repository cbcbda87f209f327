using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// The outcome of `repo verify`: how many blocks were re-hashed, those whose bytes no longer match their
/// multihash (named as CIDv1 raw, as the store keeps no codec), files or runs of a segment that could not be
/// checked (damage, quarantined bytes, a segment gone), blocks known to have been lost with a segment or a tail
/// cut while the repo was closed, and blocks that pins need but the store lacks.
/// </summary>
public sealed record VerifyResult(int Checked, IReadOnlyList<Cid> Corrupted, IReadOnlyList<UnreadableBlock> Unreadable)
{
    /// <summary>Blocks reachable from a pin that are absent or do not decode; empty when pins were not walked.</summary>
    public IReadOnlyList<MissingBlock> Missing { get; init; } = [];

    /// <summary>Blocks the pack store recorded as lost at open (a segment or a tail gone), until the note is deleted.</summary>
    public IReadOnlyList<LostBlock> Lost { get; init; } = [];

    public bool IsHealthy => Corrupted.Count == 0 && Unreadable.Count == 0 && Missing.Count == 0 && Lost.Count == 0;

    /// <summary>How many problems in all, for the one-line summary.</summary>
    public int ProblemCount => Corrupted.Count + Unreadable.Count + Missing.Count + Lost.Count;
}
