namespace P2P.Dht.Simulation;

/// <summary>Shape of a simulated swarm.</summary>
public sealed class SimSwarmOptions
{
    public int Nodes { get; init; } = 1000;

    /// <summary>Seeds ids, link delays, table sampling, losses and every node's generator.</summary>
    public int Seed { get; init; } = 1;

    public DhtOptions Dht { get; init; } = new();

    public SimNetworkOptions Network { get; init; } = new();

    /// <summary>Fraction of nodes that are adversarial from the start.</summary>
    public double AdversaryFraction { get; init; }

    public AdversaryMode AdversaryMode { get; init; } = AdversaryMode.Collude;
}
