namespace P2P.Node.Hosting.Metrics;

/// <summary>
/// The counters the node updates itself, beyond those its parts already keep (the exchange's totals are read from
/// <see cref="Exchange.BlockExchange.Counters"/> at scrape time): DHT provider lookups and their latency, and what
/// the HTTP gateway served. One instance per <see cref="NetworkHost"/>; every member is thread-safe.
/// </summary>
public sealed class NodeMetrics
{
    private long _gatewayRequests;
    private long _gatewayBytes;

    /// <summary>Duration of each provider lookup (<see cref="NetworkHost.FindProvidersAsync"/>), successful or not.</summary>
    public LatencyHistogram ProviderLookups { get; } = new();

    public long GatewayRequests => Interlocked.Read(ref _gatewayRequests);

    public long GatewayBytesSent => Interlocked.Read(ref _gatewayBytes);

    public void CountGatewayRequest() => Interlocked.Increment(ref _gatewayRequests);

    public void CountGatewayBytes(long bytes) => Interlocked.Add(ref _gatewayBytes, bytes);
}
