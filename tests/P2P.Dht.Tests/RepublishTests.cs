using P2P.Dht.Simulation;

namespace P2P.Dht.Tests;

/// <summary>Provider records survive days of churn because providers republish them.</summary>
public sealed class RepublishTests
{
    [Fact]
    public void RunMaintenance_DaysOfChurn_RepublishedRecordsStayFindable()
    {
        const int Online = 100;
        const int Standby = 100;
        // Refresh every 6 h instead of 1 h keeps the test fast; lookups and republishing still heal tables.
        var dht = new DhtOptions { RefreshInterval = TimeSpan.FromHours(6), MaintenanceInterval = TimeSpan.FromMinutes(30) };
        var swarm = new SimSwarm(new SimSwarmOptions { Nodes = Online + Standby, Seed = 51, Dht = dht });
        swarm.JoinAll(count: Online);
        var random = new Random(51);
        var publishers = Enumerable.Range(0, 10).ToHashSet();
        var keys = new List<(byte[] Multihash, Key Provider)>();
        foreach (var i in publishers)
        {
            var multihash = SwarmFactory.Multihash(random);
            swarm.Clock.Run(() => swarm.Node(i).ProvideAsync(multihash, CancellationToken.None));
            keys.Add((multihash, swarm.Node(i).Self.Id));
        }
        // The control: announced once, never republished; it must be gone after its 48 h TTL.
        var control = SwarmFactory.Multihash(random);
        swarm.Clock.Run(() => swarm.Node(10).ProvideAsync(control, CancellationToken.None));
        swarm.Node(10).StopProviding(control);
        for (var i = 0; i < Online; i++) swarm.Node(i).Start();

        // Three days; every hour a random node leaves for good and a fresh node joins (72 % turnover).
        var next = Online;
        for (var hour = 0; hour < 72; hour++)
        {
            for (var j = 0; j < 1 && next < Online + Standby; j++)
            {
                int victim;
                do victim = random.Next(next);
                while (publishers.Contains(victim) || !swarm.IsAlive(victim));
                swarm.Network.SetAlive(victim, false);
                swarm.Node(victim).Dispose();
                var fresh = next++;
                swarm.Clock.Run(() => swarm.JoinAsync(fresh, random));
                swarm.Node(fresh).Start();
            }
            swarm.Clock.RunFor(TimeSpan.FromHours(1));
        }

        var found = 0;
        foreach (var (multihash, provider) in keys)
        {
            var asker = swarm.Node(swarm.RandomLiveHonest(random));
            var result = swarm.Clock.Run(() => asker.FindProvidersAsync(multihash, 1, CancellationToken.None));
            if (result.Providers.Any(p => p.Id == provider)) found++;
        }
        Assert.Equal(keys.Count, found);
        var asker2 = swarm.Node(swarm.RandomLiveHonest(random));
        var lost = swarm.Clock.Run(() => asker2.FindProvidersAsync(control, 1, CancellationToken.None));
        Assert.Empty(lost.Providers);
    }
}
