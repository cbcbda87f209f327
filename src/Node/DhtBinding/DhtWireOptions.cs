namespace P2P.Node.DhtBinding;

/// <summary>Settings of the DHT's wire binding.</summary>
public sealed class DhtWireOptions
{
    /// <summary>
    /// Transport channel that carries DHT traffic. Channel 0 keeps DHT messages in their own ordered stream, apart
    /// from the exchange's block channels, so a long block transfer never delays a lookup.
    /// </summary>
    public byte Channel { get; init; }

    /// <summary>Hard cap on one request, whatever the caller's token says (the DHT passes its own, shorter one).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests of ours awaiting an answer at once; past it a request fails at once (a value, not a throw).</summary>
    public int MaxPendingRequests { get; init; } = 4096;

    /// <summary>
    /// DHT requests answered per second from one peer (IP:port); more are dropped and counted
    /// (<see cref="DhtDropReason.RateLimited"/>). An honest node's lookups and announcements ask one
    /// peer a few requests per operation, so the default leaves room for a reprovide of thousands of blocks.
    /// </summary>
    public double RequestsPerSecondPerPeer { get; init; } = 500;

    /// <summary>Requests one peer may send at once after a quiet spell (the bucket's size).</summary>
    public double RequestBurstPerPeer { get; init; } = 1000;

    /// <summary>DHT requests answered per second from all peers behind one IP address together.</summary>
    public double RequestsPerSecondPerAddress { get; init; } = 2000;

    /// <summary>Burst of all peers behind one IP address together.</summary>
    public double RequestBurstPerAddress { get; init; } = 4000;

    /// <summary>
    /// Apply the per-address limit to 127.0.0.0/8 as well. Off by default: a local test swarm runs every node on
    /// one loopback address, and a sender on the same host can do worse than flood us. The per-peer limit always applies.
    /// </summary>
    public bool LimitLoopbackAddresses { get; init; }

    /// <summary>
    /// PUT_VALUE requests stored per second from one peer (each runs a signature check under the DHT's lock); more are
    /// dropped and counted (<see cref="DhtDropReason.PutValueRateLimited"/>). Publishing a name sends one per node.
    /// </summary>
    public double PutValuesPerSecondPerPeer { get; init; } = 10;

    /// <summary>PUT_VALUE burst of one peer.</summary>
    public double PutValueBurstPerPeer { get; init; } = 50;

    /// <summary>Rate-limit buckets kept per table (peers, addresses); the least recently used is evicted beyond it.</summary>
    public int MaxRateLimitedAddresses { get; init; } = 4096;

    internal void Validate()
    {
        if (!(RequestsPerSecondPerPeer > 0) || !(RequestsPerSecondPerAddress > 0))
            throw new ArgumentOutOfRangeException(nameof(RequestsPerSecondPerPeer), "request rates must be positive");
        if (!(PutValuesPerSecondPerPeer > 0) || !(PutValueBurstPerPeer >= 1))
            throw new ArgumentOutOfRangeException(nameof(PutValuesPerSecondPerPeer), "PUT_VALUE rate must be positive and its burst at least 1");
        if (!(RequestBurstPerPeer >= 1) || !(RequestBurstPerAddress >= 1))
            throw new ArgumentOutOfRangeException(nameof(RequestBurstPerPeer), "request bursts must be at least 1");
        if (MaxRateLimitedAddresses < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRateLimitedAddresses), MaxRateLimitedAddresses, "must be positive");
        if (RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "must be positive");
        if (MaxPendingRequests < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPendingRequests), MaxPendingRequests, "must be positive");
    }
}
