using P2P.Dht.Simulation;
using P2P.Dht.Values;

namespace P2P.Dht.Tests.Values;

/// <summary>Keys, values and options for the value tests: the simulator's sequence-and-tag format under "/sim/".</summary>
internal static class TestValues
{
    public static readonly SimValueValidator Validator = new("test secret"u8.ToArray());

    public static DhtOptions Options(int maxValues = 1 << 16, long maxBytes = 64L << 20, int perPeer = 1024, int disjoint = 1) => new()
    {
        Validators = new ValidatorRegistry().Register(SimValueValidator.Namespace, Validator),
        MaxValues = maxValues, MaxValueBytes = maxBytes, MaxValuesPerPeer = perPeer, DisjointPaths = disjoint,
    };

    public static byte[] Key(int i) => System.Text.Encoding.ASCII.GetBytes($"/sim/key-{i}");

    public static byte[] Value(byte[] key, ulong sequence) => Validator.Make(key, sequence);

    public static SimSwarm Swarm(int nodes, int seed, double adversaries = 0, AdversaryMode mode = AdversaryMode.Collude, int disjoint = 1) =>
        SwarmFactory.Ideal(nodes, seed, Options(disjoint: disjoint), adversaries, mode);
}
