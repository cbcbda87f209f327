using P2P.Dht;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Tests.Hosting;

namespace P2P.Node.Tests.Adversarial;

/// <summary>
/// A live swarm on 127.0.0.1 in which some nodes are hostile. Placement, identities and phantoms come from one
/// seed. Node 0 is an honest bootstrap; the hostile nodes join first and learn of each other, then the honest
/// nodes join, so every honest join already meets liars. Strategies are dealt round-robin.
/// </summary>
public sealed class AdversarialSwarm : IAsyncDisposable
{
    private static readonly HostileStrategy[] Strategies = Enum.GetValues<HostileStrategy>();

    private AdversarialSwarm(HostileCoalition coalition) => Coalition = coalition;

    public List<SwarmMember> Members { get; } = [];

    public HostileCoalition Coalition { get; }

    public CollectingLoggerFactory Logs { get; } = new();

    public IEnumerable<SwarmMember> Honest => Members.Where(m => !m.Hostile);

    public IEnumerable<SwarmMember> HostileMembers => Members.Where(m => m.Hostile);

    /// <summary>Test settings for the DHT: the production defaults with a bucket size <paramref name="k"/> and timeouts that suit a loaded CI machine.</summary>
    public static DhtOptions DefaultDht(int k) => new()
    {
        K = k,
        RequestTimeout = TimeSpan.FromSeconds(2),
        MinSlowAfter = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<AdversarialSwarm> StartAsync(int nodes, int hostile, int seed, DhtOptions dht, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(hostile, nodes);
        var random = new Random(seed);
        var swarm = new AdversarialSwarm(new HostileCoalition(32, random));
        try
        {
            var order = Enumerable.Range(1, nodes - 1).ToArray();
            random.Shuffle(order);
            var hostileIndices = order.Take(hostile).Order().ToArray();
            var identities = new NodeIdentity[nodes];
            for (var i = 0; i < nodes; i++)
            {
                var key = new byte[NodeIdentity.PrivateKeyLength];
                random.NextBytes(key);
                identities[i] = NodeIdentity.FromPrivateKey(key);
            }
            var slots = new SwarmMember?[nodes];
            slots[0] = swarm.Add(identities[0], [], 0, dht, null);
            var bootstrap = new[] { slots[0]!.Host.Address };
            for (var h = 0; h < hostileIndices.Length; h++)
            {
                var i = hostileIndices[h];
                slots[i] = swarm.Add(identities[i], bootstrap, i, dht, Strategies[h % Strategies.Length]);
                await slots[i]!.Host.JoinAsync(ct);
            }
            swarm.Coalition.SetMembers(swarm.HostileMembers.Select(m => m.Host.Dht.Self));
            for (var i = 1; i < nodes; i++)
            {
                if (slots[i] is not null)
                    continue;
                slots[i] = swarm.Add(identities[i], bootstrap, i, dht, null);
                await slots[i]!.Host.JoinAsync(ct);
            }
            // Members in index order, so a seed names the same node at the same position in every run.
            swarm.Members.Clear();
            swarm.Members.AddRange(slots.Select(s => s!));
            // One refresh round, as a running node's maintenance would do: early joiners learn of later ones.
            foreach (var member in swarm.Honest)
                await member.Host.Dht.RunMaintenanceAsync(ct);
            return swarm;
        }
        catch
        {
            await swarm.DisposeAsync();
            throw;
        }
    }

    private SwarmMember Add(NodeIdentity identity, IReadOnlyList<Multiaddr> bootstrap, int seed, DhtOptions dht, HostileStrategy? strategy)
    {
        var member = SwarmMember.Start(identity, bootstrap, seed, dht, strategy, Coalition, Logs);
        Members.Add(member);
        return member;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members)
            await member.DisposeAsync();
        Coalition.Dispose();
    }
}
