namespace P2P.Node.Exchange;

/// <summary>
/// Node-wide exchange counters, updated with Interlocked by the fetch and serve sides and read as a snapshot.
/// They live apart from the peer ledger, so forgetting a peer loses none of its counts.
/// </summary>
internal sealed class ExchangeTotals
{
    public long BlocksRequested;
    public long BlocksFetched;
    public long BytesFetched;
    public long DuplicateBlocks;
    public long CorruptBlocks;
    public long UnwantedBlocks;
    public long BlocksServed;
    public long BytesServed;
    public long ServeDropped;

    public ExchangeCounters Snapshot() => new(
        Interlocked.Read(ref BlocksRequested), Interlocked.Read(ref BlocksFetched), Interlocked.Read(ref BytesFetched),
        Interlocked.Read(ref DuplicateBlocks), Interlocked.Read(ref CorruptBlocks), Interlocked.Read(ref UnwantedBlocks),
        Interlocked.Read(ref BlocksServed), Interlocked.Read(ref BytesServed), Interlocked.Read(ref ServeDropped));
}
