using P2P.Dht.Simulation;

namespace P2P.Dht.Tests;

/// <summary>Builds seeded simulated swarms for the lookup tests.</summary>
internal static class SwarmFactory
{
    public static SimSwarm Ideal(int nodes, int seed, DhtOptions? dht = null, double adversaries = 0, AdversaryMode mode = AdversaryMode.Collude)
    {
        var swarm = new SimSwarm(new SimSwarmOptions
        {
            Nodes = nodes, Seed = seed, Dht = dht ?? new DhtOptions(), AdversaryFraction = adversaries, AdversaryMode = mode,
        });
        swarm.BuildIdealTables();
        return swarm;
    }

    public static byte[] Multihash(Random random)
    {
        var bytes = new byte[34];
        bytes[0] = 0x12;
        bytes[1] = 32;
        random.NextBytes(bytes.AsSpan(2));
        return bytes;
    }
}
