namespace P2P.Dht.Lookups;

/// <summary>Where a contact stands in a lookup (go-libp2p-kad-dht's qpeerset states).</summary>
internal enum CandidateState
{
    Heard,
    Waiting,
    Answered,
    Failed,
}
