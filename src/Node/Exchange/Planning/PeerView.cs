namespace P2P.Node.Exchange.Planning;

/// <summary>
/// One peer as the planner sees it: whether it may be asked at all (connected, not dropped), its request window,
/// its measured rate, the requests outstanding at it and the sequence number its next request will take.
/// </summary>
internal sealed record PeerView(bool Usable, int Window, PeerRate Rate, IReadOnlyList<PlannedRequest> InFlight, long NextSequence);
