namespace P2P.Node.Exchange.Planning;

/// <summary>
/// One outstanding want as the planner sees it: its session (index into <see cref="PlannerInput.Sessions"/>),
/// the peers asked and not yet answered (first asked first), the peers never to ask again for it (they said
/// don't-have, stalled on it or lied), and since when nobody could be asked (-1 while somebody is).
/// </summary>
internal sealed record WantView(int Session, IReadOnlyList<int> Asked, IReadOnlyCollection<int> Refused, long UnassignableSince);
