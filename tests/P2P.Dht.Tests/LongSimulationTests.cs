namespace P2P.Dht.Tests;

/// <summary>The 10,000-node figures as assertions (run by scripts/test-long.sh; the table comes from scripts/sim.sh).</summary>
[Trait("Category", "Long")]
public sealed class LongSimulationTests
{
    private const int N = 10_000;

    [Fact]
    public void FindClosestAsync_TenThousandNodes_MeetsRecallRoundsAndLatency()
    {
        var swarm = SwarmFactory.Ideal(N, seed: 61);
        var random = new Random(61);
        var recalls = new List<double>();
        var rounds = new List<int>();
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 300; i++)
        {
            var node = swarm.Node(swarm.RandomLiveHonest(random));
            var target = Key.Random(random);
            var result = swarm.Clock.Run(() => node.FindClosestAsync(target, CancellationToken.None));
            var truth = swarm.TrueClosest(target, 20, honestOnly: true);
            recalls.Add(result.Closest.Count(c => truth.Contains(c.Id)) / 20.0);
            rounds.Add(result.Rounds);
            latencies.Add(result.Elapsed);
        }
        rounds.Sort();
        latencies.Sort();
        Assert.True(recalls.Average() >= 0.99, $"recall {recalls.Average():P2}");
        Assert.True(rounds[^1] <= 14 && rounds[rounds.Count / 2] <= 4, $"rounds median {rounds[rounds.Count / 2]}, max {rounds[^1]}");
        Assert.True(latencies[latencies.Count / 2] <= TimeSpan.FromMilliseconds(250), $"median {latencies[latencies.Count / 2].TotalMilliseconds} ms");
        Assert.True(latencies[(int)(latencies.Count * 0.95)] <= TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void FindClosestAsync_TenThousandNodesTenPercentDead_P95UnderOneSecond()
    {
        var swarm = SwarmFactory.Ideal(N, seed: 62);
        swarm.Kill(0.10);
        var random = new Random(62);
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 300; i++)
        {
            var node = swarm.Node(swarm.RandomLiveHonest(random));
            var target = Key.Random(random);
            latencies.Add(swarm.Clock.Run(() => node.FindClosestAsync(target, CancellationToken.None)).Elapsed);
        }
        latencies.Sort();
        Assert.True(latencies[(int)(latencies.Count * 0.95)] <= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ProvideAsync_TenThousandNodes_MedianUnderOneSecond()
    {
        var swarm = SwarmFactory.Ideal(N, seed: 63);
        var random = new Random(63);
        var times = new List<TimeSpan>();
        for (var i = 0; i < 100; i++)
        {
            var node = swarm.Node(swarm.RandomLiveHonest(random));
            var multihash = SwarmFactory.Multihash(random);
            times.Add(swarm.Clock.Run(() => node.ProvideAsync(multihash, CancellationToken.None)).Elapsed);
        }
        times.Sort();
        Assert.True(times[times.Count / 2] <= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Values_TenThousandNodes_PublishAndResolveTargets()
    {
        var swarm = Values.TestValues.Swarm(N, seed: 64);
        var workload = new Simulation.ValueWorkload(swarm, Values.TestValues.Validator, new Random(64));
        workload.Publish(100);
        workload.ResolveAll();
        var publish = workload.PublishMs.Order().ToList();
        var resolve = workload.ResolveMs.Order().ToList();
        Assert.True(publish[publish.Count / 2] <= 300, $"publish median {publish[publish.Count / 2]} ms");
        Assert.True(resolve[resolve.Count / 2] <= 250, $"resolve median {resolve[resolve.Count / 2]} ms");
        Assert.True(resolve[(int)(resolve.Count * 0.95)] <= 500, $"resolve p95 {resolve[(int)(resolve.Count * 0.95)]} ms");
        Assert.Equal(100, workload.Newest);
    }

    [Theory]
    [InlineData(Simulation.AdversaryMode.Stale)]
    [InlineData(Simulation.AdversaryMode.Forged)]
    public void Values_TenThousandNodesTwentyPercentLiars_NewestAtLeast99Percent(Simulation.AdversaryMode mode)
    {
        var swarm = Values.TestValues.Swarm(N, seed: 65, adversaries: 0.2, mode: mode);
        var workload = new Simulation.ValueWorkload(swarm, Values.TestValues.Validator, new Random(65));
        workload.Publish(100);
        workload.ResolveAll();
        Assert.True(workload.Newest >= 99, $"newest {workload.Newest} of {workload.Resolves}");
    }
}
