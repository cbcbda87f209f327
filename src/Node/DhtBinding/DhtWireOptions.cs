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

    internal void Validate()
    {
        if (RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "must be positive");
        if (MaxPendingRequests < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPendingRequests), MaxPendingRequests, "must be positive");
    }
}
