using P2P.Dht;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Content;
using P2P.Node.Hosting;
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
        await NodeHostSwarmTests.WaitUntil(() => reprovider.Announced >= 2, [reprovider.AnnouncedChanged], timeout.Token, () => $"{reprovider.Announced} announced");
        foreach (var cid in new[] { first, second })
            Assert.Contains(await finder.FindProvidersAsync(cid, 1, timeout.Token), c => c.Id == provider.Dht.Self.Id);

        // A block stored later is announced by the next scheduled round, not before.
        var third = Put(store, "third block");
        time.Advance(interval - TimeSpan.FromSeconds(1));
        Assert.Equal(2, reprovider.Announced);
        time.Advance(TimeSpan.FromSeconds(1));
        await NodeHostSwarmTests.WaitUntil(() => reprovider.Announced >= 5, [reprovider.AnnouncedChanged], timeout.Token, () => $"{reprovider.Announced} announced");
        Assert.Contains(await finder.FindProvidersAsync(third, 1, timeout.Token), c => c.Id == provider.Dht.Self.Id);
    }

    private static Cid Put(MemoryBlockStore store, string text)
    {
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        store.Put(cid, data);
        return cid;
    }
}
