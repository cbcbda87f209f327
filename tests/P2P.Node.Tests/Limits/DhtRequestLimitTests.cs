using Microsoft.Extensions.Time.Testing;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Routing;
using P2P.Node.Multiformats;
using P2P.Node.Tests.Hosting;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Limits;

/// <summary>
/// A live victim node under request floods: the per-peer DHT rate answers only the rate and counts the rest, other
/// peers are unaffected; ADD_PROVIDER floods stop at the per-peer record cap and the total cap.
/// </summary>
public sealed class DhtRequestLimitTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    private static NetworkHostOptions Victim(TimeProvider time, DhtWireOptions? wire = null, DhtOptions? dht = null)
    {
        var defaults = TestSwarm.Options();
        return new NetworkHostOptions
        {
            Listen = defaults.Listen, RandomSeed = 1, Time = time,
            Dht = dht ?? defaults.Dht,
            Wire = wire ?? new DhtWireOptions(),
        };
    }

    /// <summary>A node connected to the victim without joining (a join would spend the victim's tokens).</summary>
    private static async Task<(NetworkHost Node, SecurePeer Link)> ClientAsync(TestSwarm swarm, NetworkHost victim, int seed, CancellationToken ct)
    {
        var options = TestSwarm.Options(seed: seed);
        var node = swarm.Start(new NetworkHostOptions
        {
            Listen = options.Listen, RandomSeed = seed, Dht = options.Dht,
            Wire = new DhtWireOptions { RequestTimeout = TimeSpan.FromSeconds(2) },
        });
        var link = await node.Dialer.GetOrConnectAsync(victim.PeerId, victim.Transport.LocalEndPoint, null, ct)
            ?? throw new InvalidOperationException("could not connect to the victim");
        return (node, link);
    }

    [Fact]
    public async Task HandleAsync_PeerSendingTenTimesTheRateGetsOnlyTheRateAnswered()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var ct = timeout.Token;
        var time = new FakeTimeProvider();
        await using var swarm = new TestSwarm();
        var victim = swarm.Start(Victim(time, new DhtWireOptions { RequestsPerSecondPerPeer = 10, RequestBurstPerPeer = 10 }));
        var (flooder, link) = await ClientAsync(swarm, victim, 2, ct);

        // 100 pings in one instant of the victim's clock: ten times its per-peer burst.
        for (var i = 0; i < 100; i++)
            Assert.True(await flooder.Transport.SendAsync(link, WireCodec.Encode(new PingMessage { RequestId = 1_000_000 + (ulong)i }), 0, ct));
        var barrier = new BarrierSink();
        victim.Router.ExchangeSink = barrier;
        Assert.True(await flooder.Transport.SendAsync(link, BarrierSink.Message(), 0, ct));
        await barrier.Reached.Task.WaitAsync(ct);
        // One second later the flooder has 10 tokens again; the victim answers a channel's messages in order, so
        // this answer also comes after the flood's.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await flooder.Network.PingAsync(victim.Dht.Self, ct));

        // At most 10 of the flood's pings were answered (their pongs match no request of the flooder's DHT); the
        // flooder's DHT may have spent a token or two of the same bucket on requests of its own...
        Assert.InRange(flooder.Router.Drops.Get(MessageDropReason.UnsolicitedResponse), 7, 10);
        // ...and the other 90 were dropped and counted; the flooder's DHT may have sent a request or two of its own
        // (it checks a peer that pinged it), which its empty bucket also refused.
        Assert.InRange(victim.Router.DhtServer.Drops.Get(DhtDropReason.RateLimited), 90, 93);
        // A rate limit doing its job is routine: counted above, logged at Debug, never a Warning.
        Assert.Equal(0, swarm.Logs.Count(m => m.Contains("Dropped DHT request (RateLimited)", StringComparison.Ordinal)));

        // Another peer, still in the same instant of the victim's clock, is served in full.
        var (honest, _) = await ClientAsync(swarm, victim, 3, ct);
        for (var i = 0; i < 5; i++)
            Assert.NotNull(await honest.Network.FindNodeAsync(victim.Dht.Self, honest.Dht.Self.Id, ct));
        Assert.True(await honest.Network.PingAsync(victim.Dht.Self, ct));
        Assert.Equal(0, honest.Router.Drops.Get(MessageDropReason.UnsolicitedResponse));
    }

    [Fact]
    public async Task HandleAsync_AddProviderFloodStopsAtTheRecordCapsAndIsNotAcknowledged()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var ct = timeout.Token;
        await using var swarm = new TestSwarm();
        var dht = new DhtOptions { MaxRecordsPerPeer = 5, MaxRecords = 8 };
        var victim = swarm.Start(Victim(TimeProvider.System, dht: dht));
        var (flooder, _) = await ClientAsync(swarm, victim, 2, ct);
        var (honest, _) = await ClientAsync(swarm, victim, 3, ct);
        var keys = Enumerable.Range(0, 12).Select(i => Multihash.Sha256([(byte)i]).Bytes.ToArray()).ToList();

        var flood = await Task.WhenAll(keys.Take(8).Select(k => flooder.Network.AddProviderAsync(victim.Dht.Self, k, ct)));
        Assert.Equal(5, flood.Count(stored => stored));
        Assert.Equal(5, victim.Dht.Inspect((_, store) => store.Count));

        // Another peer is still accepted, up to the node's total of 8 records.
        var honestStored = new List<bool>();
        foreach (var key in keys.Skip(8))
            honestStored.Add(await honest.Network.AddProviderAsync(victim.Dht.Self, key, ct));
        Assert.Equal([true, true, true, false], honestStored);
        Assert.Equal(8, victim.Dht.Inspect((_, store) => store.Count));
        // Each refused announcement and the PING behind it: 3 from the flooder, 1 from the honest peer.
        Assert.Equal(8, victim.Router.Drops.Get(MessageDropReason.RefusedRequest));

        var found = await honest.Network.GetProvidersAsync(victim.Dht.Self, keys[8], ct);
        Assert.Equal(honest.PeerId, ContactMapper.PeerIdOf(Assert.Single(found!.Providers)));
    }
}
