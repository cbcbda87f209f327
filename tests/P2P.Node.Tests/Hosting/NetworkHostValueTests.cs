using System.Net;
using P2P.Dht;
using P2P.Dht.Simulation;
using P2P.Dht.Values;
using P2P.Node.DhtBinding;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Hosting;

/// <summary>PUT_VALUE and GET_VALUE between live nodes on 127.0.0.1 (real transports, the wire binding, the DHT).</summary>
public sealed class NetworkHostValueTests
{
    private static readonly SimValueValidator Validator = new("host test secret"u8.ToArray());

    private static NetworkHostOptions Options(IReadOnlyList<Multiaddr> bootstrap, int seed) => new()
    {
        Listen = new IPEndPoint(IPAddress.Loopback, 0),
        Bootstrap = bootstrap,
        RandomSeed = seed,
        Dht = new DhtOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(2), MinSlowAfter = TimeSpan.FromMilliseconds(200),
            Validators = new ValidatorRegistry().Register(SimValueValidator.Namespace, Validator),
        },
    };

    private static async Task<TestSwarm> StartAsync(int count, CancellationToken ct)
    {
        var swarm = new TestSwarm();
        var first = swarm.Start(Options([], 0));
        for (var i = 1; i < count; i++)
            await swarm.Start(Options([first.Address], i)).JoinAsync(ct);
        return swarm;
    }

    [Fact]
    public async Task PutValueAsync_NewestFoundFromEveryOtherNode()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var swarm = await StartAsync(8, timeout.Token);
        var key = "/sim/host-key"u8.ToArray();
        var publisher = swarm.Nodes[3];
        var first = await publisher.Dht.PutValueAsync(key, Validator.Make(key, 1), timeout.Token);
        Assert.True(first.Stored >= 5, $"stored on {first.Stored} of {first.Attempted}");
        var second = await publisher.Dht.PutValueAsync(key, Validator.Make(key, 2), timeout.Token);
        Assert.True(second.Stored >= 5, $"stored on {second.Stored} of {second.Attempted}");
        foreach (var node in swarm.Nodes.Where(n => n != publisher))
        {
            var got = await node.Dht.GetValueAsync(key, timeout.Token);
            Assert.NotNull(got.Value);
            Assert.Equal(2UL, SimValueValidator.SequenceOf(got.Value));
        }
    }

    [Fact]
    public async Task PutValueAsync_OverTheWire_RefusalIsAnAnswerNotATimeout()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var swarm = await StartAsync(2, timeout.Token);
        var (asker, holder) = (swarm.Nodes[1], swarm.Nodes[0]);
        var key = "/sim/wire-key"u8.ToArray();
        var to = ContactMapper.ToContact(holder.Identity.PeerId, holder.Transport.LocalEndPoint);
        Assert.True(await asker.Network.PutValueAsync(to, key, Validator.Make(key, 5), timeout.Token));
        // Older, forged and unknown-namespace values are refused with an empty answer at once.
        var started = DateTime.UtcNow;
        Assert.False(await asker.Network.PutValueAsync(to, key, Validator.Make(key, 4), timeout.Token));
        Assert.False(await asker.Network.PutValueAsync(to, key, SimValueValidator.Forge(new Random(1)), timeout.Token));
        Assert.False(await asker.Network.PutValueAsync(to, "/nope/x"u8.ToArray(), Validator.Make(key, 6), timeout.Token));
        // Unanswered, the three would take 3 x the 5 s request timeout.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "a refusal waited for the timeout");
        var reply = await asker.Network.GetValueAsync(to, key, timeout.Token);
        Assert.Equal(5UL, SimValueValidator.SequenceOf(reply!.Value));
        Assert.Equal(1, holder.Dht.InspectValues(s => s.RefusalCount(ValueRefusal.NotNewer)));
        Assert.Equal(1, holder.Dht.InspectValues(s => s.RefusalCount(ValueRefusal.Invalid)));
        Assert.Equal(1, holder.Dht.InspectValues(s => s.RefusalCount(ValueRefusal.UnknownNamespace)));
    }

    [Fact]
    public async Task PutValue_OverItsPerPeerRate_DroppedAndCounted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var swarm = await StartAsync(2, timeout.Token);
        var (asker, holder) = (swarm.Nodes[1], swarm.Nodes[0]);
        var to = ContactMapper.ToContact(holder.Identity.PeerId, holder.Transport.LocalEndPoint);
        var burst = (int)new DhtWireOptions().PutValueBurstPerPeer;
        var puts = new List<Task<bool>>();
        for (var i = 0; i < burst + 20; i++)
        {
            var key = System.Text.Encoding.ASCII.GetBytes($"/sim/burst-{i}");
            puts.Add(asker.Network.PutValueAsync(to, key, Validator.Make(key, 1), timeout.Token));
        }
        var results = await Task.WhenAll(puts);
        Assert.InRange(results.Count(ok => ok), burst, burst + 5);
        Assert.True(holder.Router.DhtServer.Drops.Get(DhtDropReason.PutValueRateLimited) >= 15);
    }
}
