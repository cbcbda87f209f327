using P2P.Node.Content;

namespace P2P.Node.Storage;

/// <summary>
/// The outcome of `repo verify`: how many blocks were re-hashed, those whose bytes no longer match their
/// multihash (named as CIDv1 raw, as the store keeps no codec), and files that could not be checked.
/// </summary>
public sealed record VerifyResult(int Checked, IReadOnlyList<Cid> Corrupted, IReadOnlyList<UnreadableBlock> Unreadable)
{
    public bool IsHealthy => Corrupted.Count == 0 && Unreadable.Count == 0;
}
