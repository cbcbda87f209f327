using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Transport;
using P2P.Node.Transport.Nat;
using Xunit.Abstractions;

namespace P2P.Node.Tests.Transport.Nat;

/// <summary>
/// Issue 13's abuse rows between real transports on loopback (docs/nat/transport.md, "Abuse"): a flooding peer, a
/// peer that never reads, a relay that flips bytes, a peer that lies about our address, spoofed circuit datagrams,
/// and circuits outliving an end's session. Hostile messages go out through the internal <c>NatService.Send</c>.
/// </summary>
public sealed class RelayAbuseTests(ITestOutputHelper output) : TransportTestBase(TimeSpan.FromSeconds(90))
{
    private static TransportOptions Options(NatOptions? nat = null) => new() { Nat = nat ?? new NatOptions { HolePunching = false } };

    /// <summary>A relay that probes showed public and a target holding a reservation on it.</summary>
    private async Task<(LiteNetTransport Relay, LiteNetTransport Target, SecurePeer TargetHop)> ReservedAsync(
        TransportOptions? relayOptions = null, TimeProvider? relayTime = null, TransportOptions? targetOptions = null)
    {
        var relay = Create(relayOptions ?? Options(), relayTime);
        var target = Create(targetOptions ?? Options());
        var hop = await target.ConnectAsync(relay.LocalEndPoint, relay.LocalPeerId, Ct);
        Assert.True(hop.Succeeded, hop.Error);
        Assert.Equal(Reachability.Public, await CheckReachabilityOnceConnectedAsync(relay));
        Assert.True(await target.Nat.ReserveAsync(hop.Peer!, Ct));
        return (relay, target, hop.Peer!);
    }

    private async Task<SecurePeer> CircuitAsync(LiteNetTransport dialler, LiteNetTransport relay, LiteNetTransport target)
    {
        var result = await dialler.Nat.ConnectViaRelayAsync(relay.LocalEndPoint, relay.LocalPeerId, target.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(PeerPath.Relayed, result.Peer!.Path);
        return result.Peer;
    }

    /// <summary>One message each way on a relayed session: the circuit carries traffic.</summary>
    private async Task RoundTripAsync(LiteNetTransport dialler, SecurePeer atDialler, LiteNetTransport target, string text)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(text);
        Assert.True(await dialler.SendAsync(atDialler, payload, 0, Ct));
        var inbound = await target.Inbound.ReadAsync(Ct);
        Assert.Equal(payload, inbound.Payload);
        Assert.True(await target.SendAsync(inbound.Peer, payload, 0, Ct));
        Assert.Equal(payload, (await dialler.Inbound.ReadAsync(Ct)).Payload);
    }

    [Fact]
    public async Task Flood_ThousandReservesAndConnectsFromOnePeer_StayWithinCaps_AndHonestCircuitsStillWork()
    {
        var nat = new NatOptions { HolePunching = false };
        var (relay, target, _) = await ReservedAsync(Options(nat));
        var attacker = Create(Options());
        var hop = await attacker.ConnectAsync(relay.LocalEndPoint, relay.LocalPeerId, Ct);
        Assert.True(hop.Succeeded, hop.Error);
        var refusedBefore = relay.GetDropCount(DropReason.RelayRefused);

        // Interleaved, so both kinds get through the per-peer rate before it shuts: 15 reserves and 15 connects.
        for (var i = 0; i < 1000; i++)
        {
            attacker.Nat.Send(hop.Peer!, new ControlMessage(ControlKind.Reserve) { Id = (ulong)(2 * i) + 1 });
            attacker.Nat.Send(hop.Peer!, new ControlMessage(ControlKind.Connect) { Id = (ulong)(2 * i) + 2, Peer = target.LocalPeerId });
        }
        var overRate = 2000 - nat.RequestsPerMinute;
        await WaitForAsync("the relay refused the requests over the rate", () => relay.GetDropCount(DropReason.RelayRefused) - refusedBefore >= overRate, relay);

        // The honest dialler's request arrives after the flood: its circuit must open and carry messages.
        var dialler = Create(Options());
        var atDialler = await CircuitAsync(dialler, relay, target);
        await RoundTripAsync(dialler, atDialler, target, "after the flood");

        Assert.Equal(overRate, relay.GetDropCount(DropReason.RelayRefused) - refusedBefore);
        var (reservations, circuits) = relay.Nat.RelayLoad;
        Assert.Equal(2, reservations); // the target's and the attacker's one (renewed 14 times)
        Assert.Equal(2, circuits); // the attacker's newest (each request replaced its previous one) and the honest one
        Assert.InRange(circuits, 0, nat.MaxCircuits);
        // The target was offered 15 circuits by the attacker: it keeps an end for the newest only.
        Assert.Equal(2, target.Nat.Ends.Count);
    }

    [Fact]
    public async Task NeverReadingTarget_CircuitEndsAtTheByteCap_AndTheRelayKeepsServing()
    {
        const long byteCap = 4L << 20;
        var (relay, target, _) = await ReservedAsync(
            Options(new NatOptions { HolePunching = false, MaxCircuitBytes = byteCap }),
            targetOptions: new TransportOptions { InboundQueueCapacity = 8, Nat = new NatOptions { HolePunching = false } });
        var dialler = Create(new TransportOptions { DisconnectTimeoutMilliseconds = 3000, Nat = new NatOptions { HolePunching = false } });
        var atDialler = await CircuitAsync(dialler, relay, target);
        var refusedBefore = relay.GetDropCount(DropReason.RelayRefused);

        // The target never reads its inbound queue; the dialler sends up to 16 MiB, four times the circuit's cap.
        var message = new byte[128 << 10];
        new Random(13).NextBytes(message);
        using (var sending = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            sending.CancelAfter(TimeSpan.FromSeconds(30));
            for (var i = 0; i < 128 && relay.Nat.RelayLoad.Circuits > 0; i++)
            {
                try
                {
                    if (!await dialler.SendAsync(atDialler, message, 0, sending.Token))
                        break;
                }
                catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        await WaitForAsync("the relay closed the circuit at its byte cap", () => relay.Nat.RelayLoad.Circuits == 0, relay);
        Assert.True(target.GetDropCount(DropReason.InboundQueueFull) > 0);
        output.WriteLine($"circuit closed at the {byteCap}-byte cap; {target.GetDropCount(DropReason.InboundQueueFull)} messages dropped on the target's full queue; "
                         + $"GC heap {GC.GetTotalMemory(false) >> 20} MiB (whole test process)");
        // What still arrives on the closed legs is refused, not buffered: the relay's state is its two sessions and one reservation.
        await WaitForAsync("datagrams on the closed legs are refused", () => relay.GetDropCount(DropReason.RelayRefused) > refusedBefore, relay);
        Assert.Equal(1, relay.Nat.RelayLoad.Reservations);
        Assert.Equal(2, relay.Peers.Count(p => p.IsConnected));

        // The target's queue is full of the old messages: drain it, then an honest dialler gets a working circuit.
        while (target.Inbound.TryRead(out _))
        {
        }
        var honest = Create(Options());
        var atHonest = await CircuitAsync(honest, relay, target);
        await RoundTripAsync(honest, atHonest, target, "after the never-reading circuit");
    }

    [Fact]
    public async Task TargetGoesAway_WhileTheDiallerSends_CircuitAndReservationAreDropped()
    {
        var (relay, target, _) = await ReservedAsync();
        var dialler = Create(Options());
        var atDialler = await CircuitAsync(dialler, relay, target);
        Assert.Equal((1, 1), relay.Nat.RelayLoad);

        await target.DisposeAsync();
        var message = new byte[64 << 10];
        for (var i = 0; i < 16; i++)
            await dialler.SendAsync(atDialler, message, 0, Ct);

        await WaitForAsync("the relay dropped the gone target's circuit and reservation", () => relay.Nat.RelayLoad == (0, 0), relay);
        Assert.Single(relay.Peers, p => p.IsConnected);
    }

    [Fact]
    public async Task CircuitOverItsDuration_IsClosed_WithFakeTime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (relay, target, _) = await ReservedAsync(
            Options(new NatOptions { HolePunching = false, MaxCircuitDuration = TimeSpan.FromMinutes(1), ReservationTtl = TimeSpan.FromHours(1) }), time);
        var dialler = Create(Options());
        var atDialler = await CircuitAsync(dialler, relay, target);
        await RoundTripAsync(dialler, atDialler, target, "within the minute");

        time.Advance(TimeSpan.FromSeconds(61));

        // The relay's sweep (its maintenance tick) or the next datagram on the circuit closes it.
        await WaitForAsync("the circuit over its duration is closed", () => relay.Nat.RelayLoad.Circuits == 0, relay);
        Assert.Equal(1, relay.Nat.RelayLoad.Reservations);
        var honest = Create(Options());
        var atHonest = await CircuitAsync(honest, relay, target);
        await RoundTripAsync(honest, atHonest, target, "a new circuit");
    }

    [Fact]
    public async Task TamperingRelay_FlippedFramesAreDroppedAsForged_AndNoCorruptMessageIsDelivered()
    {
        const int count = 200;
        var (relay, target, _) = await ReservedAsync();
        var dialler = Create(Options());
        var atDialler = await CircuitAsync(dialler, relay, target);
        await RoundTripAsync(dialler, atDialler, target, "before tampering");
        var forgedBefore = target.GetDropCount(DropReason.Forged) + target.GetDropCount(DropReason.MalformedFrame);
        var seen = 0;
        var flipped = 0;
        // Every 7th data-sized datagram gets its last byte (in the frame's AEAD tag) flipped on the way through, ten
        // times in all. The 200 messages of 600 bytes fill at least 84 datagrams of over 400 bytes (two fit in one at
        // most), so all ten flips land on them and never on the end marker sent after them: the test needs no wait
        // for acknowledgements before it stops tampering.
        const int flips = 10;
        relay.Nat.Relay.Tamper = packet =>
        {
            if (packet.Length > 400 && Volatile.Read(ref flipped) < flips && Interlocked.Increment(ref seen) % 7 == 0)
            {
                packet[^1] ^= 0x5A;
                Interlocked.Increment(ref flipped);
            }
        };

        for (var i = 0; i < count; i++)
            Assert.True(await dialler.SendAsync(atDialler, Message(i), 0, Ct));
        Assert.True(await dialler.SendAsync(atDialler, Message(count), 0, Ct)); // marks the end

        var delivered = new List<int>();
        while (true)
        {
            var inbound = await target.Inbound.ReadAsync(Ct);
            var index = BinaryPrimitives.ReadInt32BigEndian(inbound.Payload.Span);
            Assert.InRange(index, 0, count);
            Assert.Equal(Message(index), inbound.Payload);
            if (index == count)
                break;
            delivered.Add(index);
        }
        relay.Nat.Relay.Tamper = null;
        Assert.Equal(flips, Volatile.Read(ref flipped));

        var forged = target.GetDropCount(DropReason.Forged) + target.GetDropCount(DropReason.MalformedFrame) - forgedBefore;
        Assert.True(forged > 0, "the receiver counted no forged frame");
        Assert.Equal(delivered.Distinct().Order(), delivered); // in order, none twice
        Assert.True(delivered.Count + forged >= count, $"{delivered.Count} delivered and {forged} forged of {count}");
        output.WriteLine($"{Volatile.Read(ref seen)} datagrams over 400 bytes relayed, {flipped} flipped, {forged} forged drops, {delivered.Count} of {count} delivered");
        Assert.True(delivered.Count < count, "every message arrived although frames were flipped");
        Assert.True(delivered.Count >= count - flipped, $"{delivered.Count} delivered, {flipped} flipped");
        await RoundTripAsync(dialler, atDialler, target, "after tampering");

        static byte[] Message(int index)
        {
            var message = new byte[600];
            new Random(1000 + index).NextBytes(message);
            BinaryPrimitives.WriteInt32BigEndian(message, index);
            return message;
        }
    }

    [Fact]
    public async Task LyingPeer_FalseObservedAddresses_ChangeNothingWeAdvertise()
    {
        // Peers at distinct loopback addresses, so the quorum of distinct observers can be met on one host.
        var node = Create(Options(new NatOptions { ObservedAddressQuorum = 2, HolePunching = false }));
        var liar = Create(Options(), bind: IPAddress.Parse("127.0.0.4"));
        var sybil = Create(Options(), bind: IPAddress.Parse("127.0.0.4"));
        var lie = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 4242);

        async Task LieAsync(LiteNetTransport from, int times)
        {
            var dial = await from.ConnectAsync(node.LocalEndPoint, node.LocalPeerId, Ct);
            Assert.True(dial.Succeeded, dial.Error);
            for (var i = 0; i < times; i++)
                from.Nat.Send(dial.Peer!, new ControlMessage(ControlKind.Observed) { EndPoint = i % 2 == 0 ? lie : new IPEndPoint(lie.Address, 5000 + i) });
            from.Nat.Send(dial.Peer!, new ControlMessage(ControlKind.Observed) { EndPoint = lie });
            // Control frames and data share channel 0, in order: once this arrives, the lies were heard.
            Assert.True(await from.SendAsync(dial.Peer!, "done lying"u8.ToArray(), 0, Ct));
            Assert.Equal(from.LocalPeerId, (await node.Inbound.ReadAsync(Ct)).Peer.PeerId);
        }

        await LieAsync(liar, 100);
        await LieAsync(sybil, 100);
        Assert.Null(node.Nat.ObservedEndPoint); // one address, two identities: not a quorum

        foreach (var address in new[] { "127.0.0.2", "127.0.0.3" })
        {
            var honest = Create(Options(), bind: IPAddress.Parse(address));
            Assert.True((await honest.ConnectAsync(node.LocalEndPoint, node.LocalPeerId, Ct)).Succeeded);
        }
        await WaitForAsync("the honest quorum is heard", () => node.Nat.ObservedEndPoint is not null, node);
        Assert.Equal(node.LocalEndPoint, node.Nat.ObservedEndPoint);

        await LieAsync(liar, 100);
        Assert.Equal(node.LocalEndPoint, node.Nat.ObservedEndPoint);
        Assert.Contains(node.Nat.Observed.All, o => o.EndPoint.Equals(lie) && o.Observers == 1);
    }

    [Fact]
    public async Task SpoofedCircuitDatagrams_FromAnotherEndPoint_AreRefusedAndTheCircuitCarriesOn()
    {
        const int perLeg = 100;
        var (relay, target, _) = await ReservedAsync();
        var dialler = Create(Options());
        var atDialler = await CircuitAsync(dialler, relay, target);
        await RoundTripAsync(dialler, atDialler, target, "before spoofing");
        var atTarget = target.Peers.Single(p => p.PeerId == dialler.LocalPeerId);
        Assert.True(dialler.Nat.Ends.TryGet(atDialler.RemoteEndPoint, out _, out var diallerLeg, out _));
        Assert.True(target.Nat.Ends.TryGet(atTarget.RemoteEndPoint, out _, out var targetLeg, out _));
        var refusedBefore = relay.GetDropCount(DropReason.RelayRefused);
        long Noise(LiteNetTransport t) => t.GetDropCount(DropReason.Forged) + t.GetDropCount(DropReason.MalformedFrame) + t.GetDropCount(DropReason.Replayed);
        var (diallerNoise, targetNoise) = (Noise(dialler), Noise(target));

        // Someone who learned both leg ids sends on them from its own socket: the relay must not forward a byte.
        using (var spoofer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            spoofer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var random = new Random(17);
            foreach (var leg in new[] { diallerLeg, targetLeg })
            {
                for (var i = 0; i < perLeg; i++)
                {
                    var datagram = new byte[RelayDatagram.HeaderLength + 100];
                    random.NextBytes(datagram);
                    RelayDatagram.WriteHeader(datagram, RelayDatagram.Circuit, leg);
                    datagram[RelayDatagram.HeaderLength] = 1; // a LiteNetLib reliable packet's property
                    spoofer.SendTo(datagram, relay.LocalEndPoint);
                }
            }
        }

        await WaitForAsync("the relay refused the spoofed datagrams", () => relay.GetDropCount(DropReason.RelayRefused) - refusedBefore >= 2 * perLeg, relay);
        await RoundTripAsync(dialler, atDialler, target, "after spoofing");
        Assert.Equal(2 * perLeg, relay.GetDropCount(DropReason.RelayRefused) - refusedBefore);
        Assert.Equal(diallerNoise, Noise(dialler));
        Assert.Equal(targetNoise, Noise(target));
        Assert.Equal(1, relay.Nat.RelayLoad.Circuits);
    }

    [Fact]
    public async Task EitherEndsSessionWithTheRelayEnding_DropsTheCircuit()
    {
        var (relay, target, targetHop) = await ReservedAsync();

        // The dialler's end goes: its circuit is dropped, the target's reservation stays.
        var dialler = Create(Options());
        var atDialler = await CircuitAsync(dialler, relay, target);
        await RoundTripAsync(dialler, atDialler, target, "first circuit");
        var diallerHop = dialler.Peers.Single(p => p.PeerId == relay.LocalPeerId);
        dialler.Disconnect(diallerHop);
        await WaitForAsync("the dialler's circuit is dropped", () => relay.Nat.RelayLoad.Circuits == 0, relay);
        Assert.Equal(1, relay.Nat.RelayLoad.Reservations);

        // The target's end goes: its circuit and its reservation are dropped.
        var second = Create(Options());
        var atSecond = await CircuitAsync(second, relay, target);
        await RoundTripAsync(second, atSecond, target, "second circuit");
        target.Disconnect(targetHop);
        await WaitForAsync("the target's circuit and reservation are dropped", () => relay.Nat.RelayLoad == (0, 0), relay);
    }
}
