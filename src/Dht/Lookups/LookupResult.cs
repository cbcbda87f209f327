namespace P2P.Dht.Lookups;

/// <summary>
/// Outcome of an iterative lookup. <see cref="Rounds"/> is the length of the longest causal chain of
/// requests: the first requests are round 1, and a request sent because the lookup saw the outcome
/// (answer, failure or slow mark) of a round-r request is round r + 1 (when several outcomes are seen
/// together, the highest round counts). Every request waits for its cause, so at a uniform RTT the
/// latency is at least about Rounds × RTT whatever the parallelism.
/// </summary>
public sealed class LookupResult
{
    public LookupResult(
        Key target, IReadOnlyList<Contact> closest, IReadOnlyList<Contact> providers,
        int rounds, int requests, int failures, TimeSpan elapsed)
    {
        Target = target;
        Closest = closest;
        Providers = providers;
        Rounds = rounds;
        Requests = requests;
        Failures = failures;
        Elapsed = elapsed;
    }

    /// <summary>The key looked up.</summary>
    public Key Target { get; }

    /// <summary>Up to k contacts closest to the target that answered, closest first.</summary>
    public IReadOnlyList<Contact> Closest { get; }

    /// <summary>Distinct providers found (GET_PROVIDERS lookups only).</summary>
    public IReadOnlyList<Contact> Providers { get; }

    /// <summary>Depth of the longest causal chain of requests sent (see the type's remarks).</summary>
    public int Rounds { get; }

    /// <summary>Requests sent by the time the lookup returned, retransmissions included.</summary>
    public int Requests { get; }

    /// <summary>Requests that failed (timeout, garbage) by the time the lookup returned.</summary>
    public int Failures { get; }

    /// <summary>Time from start to result on the injected clock.</summary>
    public TimeSpan Elapsed { get; }
}
