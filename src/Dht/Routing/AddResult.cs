namespace P2P.Dht.Routing;

/// <summary>
/// Outcome of an insertion, and the least-recently-seen entry to ping when the bucket was full and that
/// entry has been silent long enough (Kademlia section 2.2: never evict a live node for a new one).
/// </summary>
public readonly record struct AddResult(AddOutcome Outcome, Contact? PingOldest = null);
