using P2P.Dht.Lookups;

namespace P2P.Dht.Values;

/// <summary>
/// Outcome of <see cref="DhtNode.GetValueAsync"/>: the newest valid value found (null when none), how many answers
/// held it (the node's own copy counting as one), the lookup (null when the local copy sufficed), answers whose value
/// failed validation, and the fix-up that sends the value to the nodes that answered without it, running on after
/// the result is returned: it completes with how many of them stored it.
/// </summary>
public sealed record GetValueResult(byte[]? Value, int Agreed, LookupResult? Lookup, int InvalidAnswers, Task<int> FixUp)
{
    /// <summary>True when a value was found.</summary>
    public bool Found => Value is not null;
}
