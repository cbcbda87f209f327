namespace P2P.Node.Storage;

/// <summary>A file under blocks/ that verify could not check: unreadable, oversized, or not named like a block.</summary>
public sealed record UnreadableBlock(string Path, string Reason)
{
    /// <summary>What verify prints: where, then why (the record's default form put field names on the terminal).</summary>
    public override string ToString() => $"{Path}: {Reason}";
}
