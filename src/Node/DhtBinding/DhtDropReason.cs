namespace P2P.Node.DhtBinding;

/// <summary>Why the DHT binding discarded an authenticated request unanswered. Each is counted and logged once.</summary>
public enum DhtDropReason
{
    /// <summary>A DHT request over its peer's or its address's request rate (<see cref="AddressRateLimiter"/>).</summary>
    RateLimited,

    /// <summary>A PUT_VALUE over its peer's or address's own, lower rate (<see cref="DhtWireOptions.PutValuesPerSecondPerPeer"/>).</summary>
    PutValueRateLimited,
}
