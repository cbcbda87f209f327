namespace P2P.Node.Exchange.Planning;

/// <summary>
/// Everything one planning round reads, copied out of the exchange under its lock: wants in the order they were
/// asked for (file order for the exporter), peers and sessions referred to by index, and the time of the round.
/// </summary>
internal sealed record PlannerInput(IReadOnlyList<WantView> Wants, IReadOnlyList<PeerView> Peers, IReadOnlyList<SessionView> Sessions, long Now);
