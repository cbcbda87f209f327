using P2P.Dht.Simulation;
using P2P.Dht.Values;

namespace P2P.Dht.Tests.Values;

/// <summary>PUT_VALUE and GET_VALUE over seeded simulated swarms: early return, fix-up, stale and forged answers.</summary>
public sealed class ValueLookupTests
{
    [Fact]
    public void PutValueAsync_StoresOnTheKClosest_GetValueAsyncFindsIt()
    {
        var swarm = TestValues.Swarm(300, seed: 71);
        var random = new Random(71);
        var key = TestValues.Key(1);
        var publisher = swarm.Node(swarm.RandomLiveHonest(random));
        var put = swarm.Clock.Run(() => publisher.PutValueAsync(key, TestValues.Value(key, 1), CancellationToken.None));
        Assert.Equal(20, put.Stored);
        var truth = swarm.TrueClosest(Key.Hash(key), 20, honestOnly: true);
        var holders = Enumerable.Range(0, swarm.Count)
            .Where(i => swarm.Node(i).InspectValues(s => s.Get(key, swarm.Clock.GetUtcNow().UtcTicks)) is not null)
            .Select(i => swarm.Node(i).Self.Id).ToHashSet();
        Assert.True(truth.Count(holders.Contains) >= 19, $"{truth.Count(holders.Contains)} of the true 20 closest hold the value");

        var reader = swarm.Node(swarm.RandomLiveHonest(random));
        var got = swarm.Clock.Run(() => reader.GetValueAsync(key, CancellationToken.None));
        Assert.Equal(1UL, SimValueValidator.SequenceOf(got.Value));
        Assert.True(got.Agreed >= 3);
    }

    [Fact]
    public void GetValueAsync_QuorumAgrees_ReturnsBeforeAFullLookup()
    {
        var swarm = TestValues.Swarm(1000, seed: 72);
        var random = new Random(72);
        var early = new List<double>();
        var full = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var key = TestValues.Key(i);
            var publisher = swarm.Node(swarm.RandomLiveHonest(random));
            swarm.Clock.Run(() => publisher.PutValueAsync(key, TestValues.Value(key, 1), CancellationToken.None));
            var reader = swarm.Node(swarm.RandomLiveHonest(random));
            // The usual termination (the k closest answered) is what a FIND_NODE lookup of the same key does.
            var slow = swarm.Clock.Run(() => reader.FindClosestAsync(Key.Hash(key), CancellationToken.None));
            var fast = swarm.Clock.Run(() => reader.GetValueAsync(key, CancellationToken.None));
            Assert.NotNull(fast.Value);
            early.Add(fast.Lookup!.Elapsed.TotalMilliseconds);
            full.Add(slow.Elapsed.TotalMilliseconds);
        }
        Assert.True(early.Average() < full.Average() - 25, $"early {early.Average():F0} ms, full {full.Average():F0} ms");
    }

    [Fact]
    public void GetValueAsync_StaleHolders_FixedUpWithTheNewest()
    {
        var swarm = TestValues.Swarm(300, seed: 73);
        var random = new Random(73);
        var key = TestValues.Key(7);
        var publisher = swarm.Node(swarm.RandomLiveHonest(random));
        swarm.Clock.Run(() => publisher.PutValueAsync(key, TestValues.Value(key, 1), CancellationToken.None));
        var now = swarm.Clock.GetUtcNow().UtcTicks;
        var holders = Enumerable.Range(0, swarm.Count).Where(i => swarm.Node(i).InspectValues(s => s.Get(key, now)) is not null).ToList();
        // Half of the holders learn sequence 2 directly (as if the rest had missed the update).
        var newer = TestValues.Value(key, 2);
        var updated = holders.Where((_, n) => n % 2 == 0).ToList();
        foreach (var i in updated) Assert.True(swarm.Node(i).HandlePutValue(publisher.Self, key, newer));

        var reader = swarm.Node(swarm.RandomLiveHonest(random));
        var got = swarm.Clock.Run(() => reader.GetValueAsync(key, CancellationToken.None));
        Assert.Equal(2UL, SimValueValidator.SequenceOf(got.Value));
        var fixedUp = swarm.Clock.Run(got.FixUp);
        Assert.True(fixedUp >= 1, "no stale holder was fixed up");
        now = swarm.Clock.GetUtcNow().UtcTicks;
        var stillStale = holders.Count(i => SimValueValidator.SequenceOf(swarm.Node(i).InspectValues(s => s.Get(key, now))) == 1);
        Assert.Equal(holders.Count - updated.Count - fixedUp, stillStale);
    }

    [Theory]
    [InlineData(AdversaryMode.Stale)]
    [InlineData(AdversaryMode.Forged)]
    public void GetValueAsync_TwentyPercentLiars_NewestAtLeast99Percent(AdversaryMode mode)
    {
        var swarm = TestValues.Swarm(200, seed: 74, adversaries: 0.2, mode: mode);
        var workload = new ValueWorkload(swarm, TestValues.Validator, new Random(74));
        workload.Publish(100);
        workload.ResolveAll();
        Assert.True(workload.Newest >= 99, $"newest {workload.Newest}, stale {workload.Stale}, none {workload.Missing}");
        if (mode == AdversaryMode.Forged) Assert.True(workload.InvalidAnswers > 0);
    }

    [Fact]
    public void GetValueAsync_LocalCopyWithQuorumOne_NoRequests()
    {
        var swarm = TestValues.Swarm(50, seed: 75);
        var node = swarm.Node(0);
        var key = TestValues.Key(1);
        swarm.Clock.Run(() => node.PutValueAsync(key, TestValues.Value(key, 3), CancellationToken.None));
        var got = swarm.Clock.Run(() => node.GetValueAsync(key, CancellationToken.None, quorum: 1));
        Assert.Null(got.Lookup);
        Assert.Equal(3UL, SimValueValidator.SequenceOf(got.Value));
    }

    [Fact]
    public void PutValueAsync_BadInput_Refused()
    {
        var swarm = TestValues.Swarm(50, seed: 76);
        var node = swarm.Node(0);
        var key = TestValues.Key(1);
        swarm.Clock.Run(() => node.PutValueAsync(key, TestValues.Value(key, 3), CancellationToken.None));
        var older = Assert.Throws<ArgumentException>(() => swarm.Clock.Run(() => node.PutValueAsync(key, TestValues.Value(key, 2), CancellationToken.None)));
        Assert.Contains("older value", older.Message);
        Assert.Throws<ArgumentException>(() => swarm.Clock.Run(() => node.PutValueAsync("/ipns/x"u8.ToArray(), TestValues.Value(key, 2), CancellationToken.None)));
        Assert.Throws<ArgumentException>(() => swarm.Clock.Run(() => node.PutValueAsync(key, SimValueValidator.Forge(new Random(1)), CancellationToken.None)));
        Assert.Throws<ArgumentException>(() => swarm.Clock.Run(() => node.GetValueAsync("/ipns/x"u8.ToArray(), CancellationToken.None)));
    }

    [Fact]
    public void HandlePutValue_RefusalsCountedByReason()
    {
        var swarm = TestValues.Swarm(20, seed: 77);
        var node = swarm.Node(0);
        var sender = swarm.Node(1).Self;
        var key = TestValues.Key(1);
        Assert.True(node.HandlePutValue(sender, key, TestValues.Value(key, 2)));
        Assert.False(node.HandlePutValue(sender, key, TestValues.Value(key, 1)));
        Assert.False(node.HandlePutValue(sender, key, SimValueValidator.Forge(new Random(2))));
        Assert.False(node.HandlePutValue(sender, "/nope/x"u8.ToArray(), TestValues.Value(key, 1)));
        Assert.Equal(1, node.InspectValues(s => s.RefusalCount(ValueRefusal.NotNewer)));
        Assert.Equal(1, node.InspectValues(s => s.RefusalCount(ValueRefusal.Invalid)));
        Assert.Equal(1, node.InspectValues(s => s.RefusalCount(ValueRefusal.UnknownNamespace)));
        var reply = node.HandleGetValue(sender, key);
        Assert.Equal(2UL, SimValueValidator.SequenceOf(reply.Value));
        Assert.DoesNotContain(reply.Closer, c => c.Id == sender.Id);
    }
}
