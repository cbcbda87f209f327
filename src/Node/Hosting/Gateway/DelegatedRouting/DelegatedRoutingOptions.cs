namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>The caps of the Delegated Routing V1 endpoints (docs/GATEWAY.md, "Delegated routing").</summary>
public sealed record DelegatedRoutingOptions
{
    /// <summary>Records in one <c>application/json</c> answer: the spec's "SHOULD be limited to 100".</summary>
    public int MaxJsonRecords { get; init; } = 100;

    /// <summary>
    /// Records in one ndjson stream. The spec leaves streams open-ended (boxo: unbounded); ours stop here, since
    /// each record is a provider the lookup has to carry and dedupe.
    /// </summary>
    public int MaxStreamRecords { get; init; } = 1000;

    /// <summary>How long one lookup may run (boxo's DefaultRoutingTimeout); the answer then holds what was found.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The stale window of Cache-Control (stale-while-revalidate, stale-if-error): how long a provider record lives
    /// in the DHT, so a cache may serve a stale answer as long as its records could still be current.
    /// </summary>
    public TimeSpan MaxStale { get; init; } = TimeSpan.FromHours(48);

    /// <summary>Throws when a cap is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStreamRecords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxStale, TimeSpan.Zero);
    }
}
