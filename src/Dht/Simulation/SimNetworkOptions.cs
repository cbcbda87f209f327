namespace P2P.Dht.Simulation;

/// <summary>Link model of a <see cref="SimNetwork"/>.</summary>
public sealed class SimNetworkOptions
{
    /// <summary>Mean round-trip time between two nodes.</summary>
    public TimeSpan Rtt { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Each node gets an access delay of Rtt/4 × (1 ± spread), uniform; a link's one-way delay is the sum
    /// of its two ends, so RTTs vary per link between Rtt × (1 - spread) and Rtt × (1 + spread).
    /// </summary>
    public double RttSpread { get; init; } = 0.2;

    /// <summary>Probability that any one datagram (request or reply) is lost.</summary>
    public double LossRate { get; init; }
}
