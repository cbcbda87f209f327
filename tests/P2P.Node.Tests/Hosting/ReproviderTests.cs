using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2P.Dht;
using P2P.Dht.Network;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Providing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Hosting;

public sealed class ReproviderTests
{
    [Fact]
    public async Task Reprovider_AnnouncesHeldBlocksAtStartAndAgainOnSchedule()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var swarm = new TestSwarm();
        await swarm.StartAsync(4, timeout.Token);
        var provider = swarm.Nodes[1];
        var finder = swarm.Nodes[3];
        var store = new MemoryBlockStore();
        var first = Put(store, "first block");
        var second = Put(store, "second block");
        var time = new FakeTimeProvider();
        var interval = TimeSpan.FromHours(22);
        await using var reprovider = new Reprovider(provider, store, interval, time, NullLogger<Reprovider>.Instance);

        // The first round is due at once.
        time.Advance(TimeSpan.Zero);
        await NetworkHostSwarmTests.WaitUntil(() => reprovider.Announced >= 2, [reprovider.AnnouncedChanged], timeout.Token, () => $"{reprovider.Announced} announced");
        foreach (var cid in new[] { first, second })
            Assert.Contains(await finder.FindProvidersAsync(cid, 1, timeout.Token), c => c.Id == provider.Dht.Self.Id);

        // A block stored later is announced by the next scheduled round, not before.
        var third = Put(store, "third block");
        time.Advance(interval - TimeSpan.FromSeconds(1));
        Assert.Equal(2, reprovider.Announced);
        time.Advance(TimeSpan.FromSeconds(1));
        await NetworkHostSwarmTests.WaitUntil(() => reprovider.Announced >= 5, [reprovider.AnnouncedChanged], timeout.Token, () => $"{reprovider.Announced} announced");
        Assert.Contains(await finder.FindProvidersAsync(third, 1, timeout.Token), c => c.Id == provider.Dht.Self.Id);
    }

    [Fact]
    public async Task Reprovider_AnnouncementStoredOnFewerThanHalf_IsRetriedUntilEnoughStoreIt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var swarm = new TestSwarm();
        var first = swarm.Start(TestSwarm.Options(seed: 0));
        var provider = swarm.Start(TestSwarm.Options([first.Address], seed: 1));
        await provider.JoinAsync(timeout.Token);
        // Two nodes that answer lookups but, while muted, not the PING that confirms an ADD_PROVIDER was handled:
        // to the announcer they stand for peers whose announcement datagrams a lossy path ate.
        var muted = new StrongBox<bool>();
        for (var i = 2; i < 4; i++)
        {
            var o = TestSwarm.Options([first.Address], seed: i);
            var node = swarm.Start(new NetworkHostOptions
            {
                Listen = o.Listen, Bootstrap = o.Bootstrap, RandomSeed = o.RandomSeed, Dht = o.Dht,
                RequestHandlerDecorator = inner => new MutablePings(inner, muted),
            });
            await node.JoinAsync(timeout.Token);
        }
        await NetworkHostSwarmTests.WaitUntil(() => provider.Dht.TableCount == 3, [provider.Dht.TableChanged], timeout.Token,
            () => $"{provider.Dht.TableCount} contacts");
        var store = new MemoryBlockStore();
        Put(store, "a block few peers hear of");
        var time = new FakeTimeProvider();
        await using var reprovider = new Reprovider(provider, store, TimeSpan.FromHours(22), time, NullLogger<Reprovider>.Instance);

        Volatile.Write(ref muted.Value, true);
        time.Advance(TimeSpan.Zero);
        await NetworkHostSwarmTests.WaitUntil(() => reprovider.Announced >= 1, [reprovider.AnnouncedChanged], timeout.Token);
        Assert.Equal(1, reprovider.PendingRetries);

        // The path heals; the retry reaches all three and the key leaves the retry list.
        Volatile.Write(ref muted.Value, false);
        time.Advance(Reprovider.RetryInterval);
        await NetworkHostSwarmTests.WaitUntil(() => reprovider.Announced >= 2, [reprovider.AnnouncedChanged], timeout.Token);
        Assert.Equal(0, reprovider.PendingRetries);
        time.Advance(Reprovider.RetryInterval);
        Assert.Equal(2, reprovider.Announced);
    }

    /// <summary>Forwards every request, but answers PING only while <c>muted</c> is false.</summary>
    private sealed class MutablePings(IDhtRequestHandler inner, StrongBox<bool> muted) : IDhtRequestHandler
    {
        public bool HandlePing(Contact sender) => !Volatile.Read(ref muted.Value) && inner.HandlePing(sender);

        public IReadOnlyList<Contact> HandleFindNode(Contact sender, Key target) => inner.HandleFindNode(sender, target);

        public ProvidersReply HandleGetProviders(Contact sender, ReadOnlyMemory<byte> multihash) =>
            inner.HandleGetProviders(sender, multihash);

        public bool HandleAddProvider(Contact sender, ReadOnlyMemory<byte> multihash) => inner.HandleAddProvider(sender, multihash);

        public ValueReply HandleGetValue(Contact sender, ReadOnlyMemory<byte> key) => inner.HandleGetValue(sender, key);

        public bool HandlePutValue(Contact sender, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value) => inner.HandlePutValue(sender, key, value);
    }

    private static Cid Put(MemoryBlockStore store, string text)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        store.Put(cid, data);
        return cid;
    }
}
