namespace P2P.Node.Exchange.Planning;

/// <summary>
/// A want-block outstanding at a peer: the index of its want in <see cref="PlannerInput.Wants"/> (-1 for a block
/// no longer wanted), when it was sent, and its place in the order the peer was asked (a batch shares one time).
/// </summary>
internal readonly record struct PlannedRequest(int Want, long SentAt, long Sequence);
