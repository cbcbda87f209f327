using P2P.Dht.Simulation;

namespace P2P.Dht.Tests;

/// <summary>Inbound request handling and the rule that only nodes that answered enter the table.</summary>
public sealed class DhtNodeTests
{
    private static SimSwarm Pair() => new(new SimSwarmOptions { Nodes = 3, Seed = 41 });

    [Fact]
    public void HandleFindNode_Stranger_EntersTableOnlyAfterAnsweringPing()
    {
        var swarm = Pair();
        var (a, b) = (swarm.Node(0), swarm.Node(1));
        // Inbound requests arrive on the simulation thread, like every other event.
        swarm.Clock.Run(() => Task.FromResult(a.HandleFindNode(b.Self, Key.Zero)));
        Assert.Equal(0, a.TableCount);
        swarm.Clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.True(a.Inspect((t, _) => t.Contains(b.Self.Id)));
    }

    [Fact]
    public void HandleFindNode_ClientStranger_IsAnsweredButNeverEntersTable()
    {
        var swarm = Pair();
        var (a, b) = (swarm.Node(0), swarm.Node(1));
        var client = new Contact(b.Self.Id, b.Self.Identity, b.Self.EndPoint) { IsClient = true };
        swarm.Clock.Run(() => Task.FromResult(a.HandleFindNode(client, Key.Zero)));
        swarm.Clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.False(a.Inspect((t, _) => t.Contains(b.Self.Id)));

        // A server that turns client (it found itself behind a NAT) leaves the table on its next request.
        swarm.Clock.Run(() => Task.FromResult(a.HandleFindNode(b.Self, Key.Zero)));
        swarm.Clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.True(a.Inspect((t, _) => t.Contains(b.Self.Id)));
        swarm.Clock.Run(() => Task.FromResult(a.HandleFindNode(client, Key.Zero)));
        Assert.False(a.Inspect((t, _) => t.Contains(b.Self.Id)));
    }

    [Fact]
    public void HandleFindNode_DeadStranger_NeverEntersTable()
    {
        var swarm = Pair();
        var (a, b) = (swarm.Node(0), swarm.Node(1));
        swarm.Network.SetAlive(1, false);
        swarm.Clock.Run(() => Task.FromResult(a.HandlePing(b.Self)));
        swarm.Clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal(0, a.TableCount);
    }

    [Fact]
    public void HandleFindNode_NeverReturnsAskerAndAtMostK()
    {
        var swarm = SwarmFactory.Ideal(200, seed: 42, new DhtOptions { K = 8 });
        var node = swarm.Node(0);
        var asker = swarm.Node(1).Self;
        node.Restore([asker]);
        var reply = node.HandleFindNode(asker, asker.Id);
        Assert.Equal(8, reply.Count);
        Assert.DoesNotContain(asker, reply);
    }

    [Fact]
    public void HandleAddProvider_RecordsSenderAndServesIt()
    {
        var swarm = Pair();
        var (a, b, c) = (swarm.Node(0), swarm.Node(1), swarm.Node(2));
        var multihash = SwarmFactory.Multihash(new Random(43));
        Assert.True(a.HandleAddProvider(b.Self, multihash));
        Assert.Equal([b.Self], a.HandleGetProviders(c.Self, multihash).Providers);
    }

    [Fact]
    public void HandleGetProviders_KeyThisNodeProvides_NamesItselfFirst()
    {
        var swarm = SwarmFactory.Ideal(3, seed: 45);
        var (a, b) = (swarm.Node(0), swarm.Node(1));
        var multihash = SwarmFactory.Multihash(new Random(46));
        Assert.Empty(b.HandleGetProviders(a.Self, multihash).Providers);
        swarm.Clock.Run(() => b.ProvideAsync(multihash, CancellationToken.None));
        Assert.Equal(b.Self, b.HandleGetProviders(a.Self, multihash).Providers[0]);
    }

    [Fact]
    public void FindProvidersAsync_EveryAnnouncementLost_StillFindsProviderByAskingIt()
    {
        // The provider's ADD_PROVIDERs all fail (its peers are down while it announces); once they are back, a
        // lookup that reaches the provider hears it name itself.
        var swarm = SwarmFactory.Ideal(3, seed: 47);
        var (a, b) = (swarm.Node(0), swarm.Node(1));
        var multihash = SwarmFactory.Multihash(new Random(48));
        swarm.Network.SetAlive(0, false);
        swarm.Network.SetAlive(2, false);
        var published = swarm.Clock.Run(() => b.ProvideAsync(multihash, CancellationToken.None));
        Assert.Equal(0, published.Stored);
        swarm.Network.SetAlive(0, true);
        swarm.Network.SetAlive(2, true);
        var found = swarm.Clock.Run(() => a.FindProvidersAsync(multihash, 20, CancellationToken.None));
        Assert.Equal([b.Self], found.Providers);
    }

    [Fact]
    public void HandleAddProvider_OversizedOrTinyKey_Refused()
    {
        var swarm = Pair();
        var (a, b) = (swarm.Node(0), swarm.Node(1));
        Assert.False(a.HandleAddProvider(b.Self, new byte[129]));
        Assert.False(a.HandleAddProvider(b.Self, new byte[1]));
        Assert.Empty(a.HandleGetProviders(b.Self, new byte[129]).Providers);
    }

    [Fact]
    public void FindClosestAsync_FailedContact_LeavesTableAtMaxFailures()
    {
        // MaxFailures = 1: the lookup's timeout alone must evict, whether or not the bucket caches a replacement.
        var swarm = SwarmFactory.Ideal(100, seed: 44, new DhtOptions { MaxFailures = 1 });
        var node = swarm.Node(0);
        var victim = node.Inspect((t, _) => t.Closest(Key.Zero, 1)[0]);
        swarm.Network.SetAlive(swarm.Network.IndexOf(victim.Id), false);
        swarm.Clock.Run(() => node.FindClosestAsync(Key.Zero, CancellationToken.None));
        swarm.Clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.False(node.Inspect((t, _) => t.Contains(victim.Id)));
    }
}
