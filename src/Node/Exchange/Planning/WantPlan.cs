namespace P2P.Node.Exchange.Planning;

/// <summary>
/// The decisions of one planning round, by index into its <see cref="PlannerInput"/>: want-blocks to send (in the
/// order the planner made them, which fixes their sequence numbers), wants that nobody can be asked for from now
/// on, wants that waited too long for a peer and fail, and sessions whose provider search should run again.
/// </summary>
internal sealed record WantPlan(
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<int> NewlyUnassignable,
    IReadOnlyList<int> Failed,
    IReadOnlyList<int> Searches);
