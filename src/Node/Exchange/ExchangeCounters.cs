namespace P2P.Node.Exchange;

/// <summary>Node-wide exchange totals since start (a snapshot).</summary>
public sealed record ExchangeCounters(
    long BlocksRequested,
    long BlocksFetched,
    long BytesFetched,
    long DuplicateBlocks,
    long CorruptBlocks,
    long UnwantedBlocks,
    long BlocksServed,
    long BytesServed,
    long ServeRequestsDropped);
