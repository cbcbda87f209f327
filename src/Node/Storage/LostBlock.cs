using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// A block the store held and lost while the repo was closed (its segment deleted or cut), named by the note in
/// quarantine that recorded the loss (<see cref="Note"/>); reported by verify until that note is deleted.
/// </summary>
public sealed record LostBlock(Cid Block, string Note)
{
    public override string ToString() => $"{Block} (recorded in {Note})";
}
