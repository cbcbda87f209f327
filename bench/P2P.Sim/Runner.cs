using System.Diagnostics;
using P2P.Dht;
using P2P.Dht.Simulation;

namespace P2P.Sim;

/// <summary>
/// One simulation run: build the swarm and its tables, publish provider records (all nodes alive), kill
/// the dead fraction, warm each querying node up with one unmeasured lookup, then measure FIND_NODE
/// lookups to random keys and provider lookups of the published keys, one at a time on the virtual clock.
/// </summary>
internal sealed class Runner(SimSettings s)
{
    public Report Run()
    {
        var wall = Stopwatch.StartNew();
        var validator = new SimValueValidator(BitConverter.GetBytes(s.Seed * 31L + 7));
        var dht = new DhtOptions
        {
            K = s.K, Alpha = s.Alpha, Beta = s.Beta, DisjointPaths = s.Disjoint,
            RequestTimeout = TimeSpan.FromMilliseconds(s.TimeoutMs), MaxPerSubnetPerBucket = s.IpLimit,
            VerifyProviders = s.VerifyProviders, Validators = ValueWorkload.Registry(validator), ValueQuorum = s.Quorum,
            ValueDisjointPaths = s.ValuePaths,
        }.Validate();
        var swarm = new SimSwarm(new SimSwarmOptions
        {
            Nodes = s.Nodes, Seed = s.Seed, Dht = dht,
            Network = new SimNetworkOptions { Rtt = TimeSpan.FromMilliseconds(s.RttMs), LossRate = s.Loss },
            AdversaryFraction = s.Adversaries,
            AdversaryMode = s.AdversaryMode switch
            {
                "garbage" => AdversaryMode.Garbage, "phantoms" => AdversaryMode.Phantoms, "stale" => AdversaryMode.Stale,
                "forged" => AdversaryMode.Forged, _ => AdversaryMode.Collude,
            },
        });
        if (s.Tables == "join") swarm.JoinAll();
        else swarm.BuildIdealTables();
        var buildSeconds = wall.Elapsed.TotalSeconds;
        var random = new Random(s.Seed ^ 0x51a);
        var report = new Report { BuildSeconds = buildSeconds };
        for (var i = 0; i < swarm.Count; i++) report.TableEntries += swarm.Node(i).TableCount;

        var published = new List<(byte[] Multihash, int Provider)>();
        for (var i = 0; i < s.Providers; i++)
        {
            var publisherIndex = swarm.RandomLiveHonest(random);
            var publisher = swarm.Node(publisherIndex);
            var multihash = RandomMultihash(random);
            var result = swarm.Clock.Run(() => publisher.ProvideAsync(multihash, CancellationToken.None));
            report.PublishMs.Add(result.Elapsed.TotalMilliseconds);
            report.PublishStored.Add(result.Stored);
            published.Add((multihash, publisherIndex));
        }

        var values = new ValueWorkload(swarm, validator, new Random(s.Seed ^ 0x7a1));
        values.Publish(s.Values);
        report.Values = values;

        report.Killed = swarm.Kill(s.Dead);
        var queriers = new int[Math.Max(s.Lookups, s.Providers)];
        for (var i = 0; i < queriers.Length; i++)
        {
            queriers[i] = swarm.RandomLiveHonest(random);
            var node = swarm.Node(queriers[i]);
            swarm.Clock.Run(() => node.FindClosestAsync(Key.Random(random), CancellationToken.None));
        }
        var requestsBefore = swarm.Network.Requests;

        for (var i = 0; i < s.Lookups; i++)
        {
            var node = swarm.Node(queriers[i]);
            var target = Key.Random(random);
            var result = swarm.Clock.Run(() => node.FindClosestAsync(target, CancellationToken.None));
            var truth = swarm.TrueClosest(target, s.K, honestOnly: false);
            var hits = result.Closest.Count(c => truth.Contains(c.Id));
            var honest = truth.Where(id => !swarm.IsAdversary(swarm.Network.IndexOf(id))).ToHashSet();
            var honestHits = result.Closest.Count(c => honest.Contains(c.Id));
            report.Add(result, hits / (double)truth.Count, honest.Count == 0 ? 1 : honestHits / (double)honest.Count);
        }

        for (var i = 0; i < published.Count; i++)
        {
            var (multihash, provider) = published[i];
            var node = swarm.Node(queriers[i]);
            var result = swarm.Clock.Run(() => node.FindProvidersAsync(multihash, 1, CancellationToken.None));
            var found = result.Providers.Any(p => p.Id == swarm.Node(provider).Self.Id);
            // A killed provider cannot serve: finding its record is no success, and a lookup that checks
            // providers rightly leaves it out. Only lookups of live providers count.
            if (swarm.IsAlive(provider))
            {
                report.ProviderLookups++;
                if (found) report.ProviderHits++;
            }
            else if (found) report.DeadProvidersReturned++;
            report.ProviderMs.Add(result.Elapsed.TotalMilliseconds);
        }
        report.ProviderKeysOfDead = published.Count - report.ProviderLookups;
        var valueRequestsBefore = swarm.Network.Requests;
        values.ResolveAll();
        report.ValueFixUpRequests = swarm.Network.Requests - valueRequestsBefore - values.ResolveMessages.Sum();
        report.BackgroundRequests = valueRequestsBefore - requestsBefore - report.Requests.Sum();
        report.WallSeconds = wall.Elapsed.TotalSeconds;
        report.Events = swarm.Clock.EventsRun;
        report.PeakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
        report.ManagedHeapMiB = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        GC.KeepAlive(swarm);
        return report;
    }

    private static byte[] RandomMultihash(Random random)
    {
        var bytes = new byte[34];
        bytes[0] = 0x12;
        bytes[1] = 32;
        random.NextBytes(bytes.AsSpan(2));
        return bytes;
    }
}
