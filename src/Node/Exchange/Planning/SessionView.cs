namespace P2P.Node.Exchange.Planning;

/// <summary>
/// One open session as the planner sees it: the peers known to hold its DAG (in the order the planner tries
/// them on a tie), the peers excluded after a stall, and the state of its provider search.
/// </summary>
internal sealed record SessionView(IReadOnlyList<int> Providers, IReadOnlyCollection<int> Excluded, bool Searching, long LastSearch);
