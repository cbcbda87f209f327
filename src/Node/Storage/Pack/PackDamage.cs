namespace P2P.Node.Storage.Pack;

/// <summary>
/// A run of bytes in a segment that holds no record the scanner could verify: from <see cref="Start"/> (where a
/// record should have begun) to <see cref="End"/> (the next verified record, or the end of the segment).
/// <see cref="Torn"/> marks what an interrupted append leaves: at the very end, and either the start of a
/// record cut short or zeros. Anything else is damage, which is never a reason to drop what follows it.
/// </summary>
internal readonly record struct PackDamage(long Start, long End, string Reason, bool Torn)
{
    public long Length => End - Start;
}
