using System.Net.Sockets;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Routing;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Hosting;

/// <summary>
/// Hostile input against a live node: each kind of bad message is dropped, logged once however often it comes,
/// and the node keeps answering DHT requests.
/// </summary>
public sealed class HostileTrafficTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<(TestSwarm Swarm, NetworkHost Attacker, NetworkHost Victim, SecurePeer Link)> PairAsync(CancellationToken ct)
    {
        var swarm = new TestSwarm();
        var victim = swarm.Start(TestSwarm.Options());
        // The attacker's own cap is raised so it can send what the victim must refuse.
        var options = TestSwarm.Options([victim.Address], seed: 2);
        var attacker = swarm.Start(new NetworkHostOptions
        {
            Listen = options.Listen, Bootstrap = options.Bootstrap, Dht = options.Dht,
            Transport = new TransportOptions { MaxMessageSize = 4 * 1024 * 1024 },
        });
        await attacker.JoinAsync(ct);
        var link = attacker.Dialer.Find(victim.PeerId) ?? throw new InvalidOperationException("not connected");
        return (swarm, attacker, victim, link);
    }

    private static async Task AssertStillAnswers(NetworkHost victim, TestSwarm swarm, CancellationToken ct)
    {
        // A fresh node must still be able to join through the victim and see it answer.
        var probe = swarm.Start(TestSwarm.Options([victim.Address], seed: 9));
        Assert.True(await probe.Network.PingAsync(victim.Dht.Self, ct));
        var nodes = await probe.Network.FindNodeAsync(victim.Dht.Self, probe.Dht.Self.Id, ct);
        Assert.NotNull(nodes);
    }

    private static int WarningsAbout(TestSwarm swarm, string reason) => swarm.Logs.Count(m => m.Contains("Dropped", StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));

    [Fact]
    public async Task Receive_TamperedTagIsDroppedLoggedOnceAndNodeKeepsAnswering()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var (swarm, attacker, victim, link) = await PairAsync(timeout.Token);
        await using var _ = swarm;
        for (var i = 0; i < 3; i++)
        {
            var frame = attacker.Transport.SealFrame(link, WireCodec.Encode(new PingMessage { RequestId = 7 }));
            frame[^1] ^= 0x80;
            attacker.Transport.SendRawFrame(link, frame, 0);
        }
        Assert.True(await attacker.Network.PingAsync(victim.Dht.Self, timeout.Token));
        Assert.Equal(3, victim.Transport.GetDropCount(DropReason.Forged));
        Assert.Equal(1, WarningsAbout(swarm, "Forged"));
        await AssertStillAnswers(victim, swarm, timeout.Token);
    }

    [Fact]
    public async Task Receive_ReplayedMessageIsDroppedLoggedOnceAndNodeKeepsAnswering()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var (swarm, attacker, victim, link) = await PairAsync(timeout.Token);
        await using var _ = swarm;
        var frame = attacker.Transport.SealFrame(link, WireCodec.Encode(new PingMessage { RequestId = 8 }));
        for (var i = 0; i < 4; i++)
            attacker.Transport.SendRawFrame(link, frame, 0);
        Assert.True(await attacker.Network.PingAsync(victim.Dht.Self, timeout.Token));
        Assert.Equal(3, victim.Transport.GetDropCount(DropReason.Replayed));
        Assert.Equal(1, WarningsAbout(swarm, "Replayed"));
        // The one genuine copy was answered with a Pong for id 8, which matched no request of the attacker's.
        await NetworkHostSwarmTests.WaitUntil(() => attacker.Router.Drops.Get(MessageDropReason.UnsolicitedResponse) == 1,
            [attacker.Router.DropsChanged], timeout.Token);
        await AssertStillAnswers(victim, swarm, timeout.Token);
    }

    [Fact]
    public async Task Receive_RandomDatagramsAreDroppedAndNodeKeepsAnswering()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var (swarm, attacker, victim, _) = await PairAsync(timeout.Token);
        await using var __ = swarm;
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            var random = new Random(4242);
            for (var i = 0; i < 300; i++)
            {
                var junk = new byte[random.Next(1, 1400)];
                random.NextBytes(junk);
                await udp.SendAsync(junk, victim.Transport.LocalEndPoint, timeout.Token);
            }
        }
        Assert.True(await attacker.Network.PingAsync(victim.Dht.Self, timeout.Token));
        await AssertStillAnswers(victim, swarm, timeout.Token);
    }

    [Fact]
    public async Task Receive_OversizedMessagesAreDroppedLoggedOnceAndNodeKeepsAnswering()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var (swarm, attacker, victim, link) = await PairAsync(timeout.Token);
        await using var _ = swarm;
        // Over the transport's cap (2 MiB + 512 by default) and, once inside it, over a DHT type's own cap.
        Assert.True(await attacker.Transport.SendAsync(link, new byte[3 * 1024 * 1024], 0, timeout.Token));
        Assert.True(await attacker.Transport.SendAsync(link, new byte[3 * 1024 * 1024], 0, timeout.Token));
        var bloatedPing = new byte[200];
        bloatedPing[0] = WireCodec.Version;
        bloatedPing[1] = (byte)WireMessageType.Ping;
        for (var i = 0; i < 2; i++)
            Assert.True(await attacker.Transport.SendAsync(link, bloatedPing, 0, timeout.Token));
        Assert.True(await attacker.Network.PingAsync(victim.Dht.Self, timeout.Token));
        Assert.Equal(2, victim.Transport.GetDropCount(DropReason.Oversized));
        Assert.Equal(2, victim.Router.Drops.Get(MessageDropReason.Undecodable));
        Assert.Equal(1, WarningsAbout(swarm, "Oversized"));
        Assert.Equal(1, WarningsAbout(swarm, "Undecodable"));
        await AssertStillAnswers(victim, swarm, timeout.Token);
    }

    [Fact]
    public async Task HandleResponse_AnswerFromAnotherPeerOrOfWrongTypeIsIgnored()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var (swarm, attacker, victim, link) = await PairAsync(timeout.Token);
        await using var _ = swarm;
        // The attacker answers with made-up ids and types; none can complete a request the victim did not send it.
        for (ulong id = 0; id < 5; id++)
        {
            await attacker.Transport.SendAsync(link, WireCodec.Encode(new NodesMessage { RequestId = id }), 0, timeout.Token);
            await attacker.Transport.SendAsync(link, WireCodec.Encode(new PongMessage { RequestId = id }), 0, timeout.Token);
        }
        Assert.True(await attacker.Network.PingAsync(victim.Dht.Self, timeout.Token));
        Assert.Equal(10, victim.Router.Drops.Get(MessageDropReason.UnsolicitedResponse));
        // Counted, but not a Warning: most unmatched answers are late replies to requests that timed out.
        Assert.Equal(0, WarningsAbout(swarm, "UnsolicitedResponse"));
        Assert.Equal(0, victim.Network.PendingCount);
    }
}
