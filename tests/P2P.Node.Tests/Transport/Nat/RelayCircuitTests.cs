using P2P.Node.Transport;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport.Nat;

/// <summary>Relayed sessions, hole punching and dial-back checks between real transports on 127.0.0.1.</summary>
public sealed class RelayCircuitTests() : TransportTestBase(TimeSpan.FromSeconds(60))
{
    private static TransportOptions Options(bool punch) => new() { Nat = new NatOptions { HolePunching = punch } };

    private async Task<(LiteNetTransport Relay, LiteNetTransport Dialler, LiteNetTransport Target)> ReservedAsync(bool punch)
    {
        var relay = Create(Options(punch));
        var dialler = Create(Options(punch));
        var target = Create(Options(punch));
        var hop = await target.ConnectAsync(relay.LocalEndPoint, relay.LocalPeerId, Ct);
        Assert.True(hop.Succeeded, hop.Error);
        // Only a node that probes showed reachable serves as a relay.
        Assert.False(await target.Nat.ReserveAsync(hop.Peer!, Ct));
        Assert.Equal(Reachability.Public, await CheckReachabilityOnceConnectedAsync(relay));
        Assert.True(await target.Nat.ReserveAsync(hop.Peer!, Ct));
        Assert.Equal([relay.LocalPeerId], target.Nat.Reservations.Select(r => r.Relay));
        return (relay, dialler, target);
    }

    [Fact]
    public async Task ConnectViaRelay_SessionIsEndToEndAndCarriesMessagesBothWays()
    {
        var (relay, dialler, target) = await ReservedAsync(punch: false);

        var result = await dialler.Nat.ConnectViaRelayAsync(relay.LocalEndPoint, relay.LocalPeerId, target.LocalPeerId, Ct);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(target.LocalPeerId, result.Peer!.PeerId);
        Assert.Equal(PeerPath.Relayed, result.Peer.Path);
        Assert.True(await dialler.SendAsync(result.Peer, "through the relay"u8.ToArray(), 0, Ct));
        var inbound = await target.Inbound.ReadAsync(Ct);
        Assert.Equal("through the relay"u8.ToArray(), inbound.Payload);
        Assert.Equal(dialler.LocalPeerId, inbound.Peer.PeerId);
        Assert.Equal(PeerPath.Relayed, inbound.Peer.Path);
        Assert.True(await target.SendAsync(inbound.Peer, "and back"u8.ToArray(), 0, Ct));
        Assert.Equal("and back"u8.ToArray(), (await dialler.Inbound.ReadAsync(Ct)).Payload);
        Assert.Equal(1, relay.Nat.RelayLoad.Circuits);
        // The relay forwarded the session, it did not take part in it: it has sessions with both ends only.
        Assert.DoesNotContain(relay.Peers, p => p.Path == PeerPath.Relayed);
    }

    [Fact]
    public async Task ConnectViaRelay_LargeMessagesCrossIntact()
    {
        var (relay, dialler, target) = await ReservedAsync(punch: false);
        var result = await dialler.Nat.ConnectViaRelayAsync(relay.LocalEndPoint, relay.LocalPeerId, target.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);
        var block = new byte[1 << 20];
        new Random(7).NextBytes(block);

        Assert.True(await dialler.SendAsync(result.Peer!, block, 3, Ct));

        Assert.Equal(block, (await target.Inbound.ReadAsync(Ct)).Payload);
    }

    [Fact]
    public async Task ConnectViaRelay_TargetWithoutReservation_FailsWithTheRelaysReason()
    {
        var relay = Create(Options(false));
        var dialler = Create(Options(false));
        var target = Create(Options(false));
        Assert.True((await target.ConnectAsync(relay.LocalEndPoint, relay.LocalPeerId, Ct)).Succeeded);
        Assert.Equal(Reachability.Public, await CheckReachabilityOnceConnectedAsync(relay));

        var result = await dialler.Nat.ConnectViaRelayAsync(relay.LocalEndPoint, relay.LocalPeerId, target.LocalPeerId, Ct);

        Assert.False(result.Succeeded);
        Assert.Contains("no reservation", result.Error, StringComparison.Ordinal);
        Assert.True(relay.GetDropCount(DropReason.RelayRefused) >= 1);
    }

    [Fact]
    public async Task ConnectViaRelay_WithHolePunching_MovesToADirectSessionAndClosesTheRelayedOne()
    {
        var (relay, dialler, target) = await ReservedAsync(punch: true);

        var result = await dialler.Nat.ConnectViaRelayAsync(relay.LocalEndPoint, relay.LocalPeerId, target.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);

        // On loopback every "NAT" lets the crossing dials through: the punch must succeed and replace the circuit.
        // The punched session is marked before the relayed one is closed, so the closing wakes the wait.
        await WaitForAsync(() => dialler.Peers.Any(p => p.PeerId == target.LocalPeerId && p.Path == PeerPath.HolePunched)
                                 && !dialler.Peers.Any(p => p.PeerId == target.LocalPeerId && p.Path == PeerPath.Relayed), dialler);
        var direct = dialler.Peers.Single(p => p.PeerId == target.LocalPeerId);
        Assert.Equal(target.LocalEndPoint, direct.RemoteEndPoint);
        Assert.True(await dialler.SendAsync(direct, "direct now"u8.ToArray(), 0, Ct));
        Assert.Equal("direct now"u8.ToArray(), (await target.Inbound.ReadAsync(Ct)).Payload);
    }

    [Fact]
    public async Task RelayClosingACircuitAtItsByteCap_TellsTheEnds_WhoseSessionsEndBeforeLiteNetLibsTimeout()
    {
        // LiteNetLib alone would notice only after a minute of silence; the relay's notice must come first.
        TransportOptions Capped() => new()
        {
            DisconnectTimeoutMilliseconds = 60_000,
            Nat = new NatOptions { HolePunching = false, MaxCircuitBytes = 256 * 1024 },
        };
        var relay = Create(Capped());
        var dialler = Create(Capped());
        var target = Create(Capped());
        var hop = await target.ConnectAsync(relay.LocalEndPoint, relay.LocalPeerId, Ct);
        Assert.True(hop.Succeeded, hop.Error);
        Assert.Equal(Reachability.Public, await CheckReachabilityOnceConnectedAsync(relay));
        Assert.True(await target.Nat.ReserveAsync(hop.Peer!, Ct));
        var result = await dialler.Nat.ConnectViaRelayAsync(relay.LocalEndPoint, relay.LocalPeerId, target.LocalPeerId, Ct);
        Assert.True(result.Succeeded, result.Error);
        var started = DateTime.UtcNow;

        await dialler.SendAsync(result.Peer!, new byte[1 << 20], 3, Ct);

        await WaitForAsync(() => !dialler.Peers.Any(p => p.Path == PeerPath.Relayed) && !target.Peers.Any(p => p.Path == PeerPath.Relayed),
            dialler, target);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the ends only heard of the closed circuit from LiteNetLib's timeout");
        Assert.Equal(0, relay.Nat.RelayLoad.Circuits);
    }

    [Fact]
    public async Task CheckReachability_OnLoopback_ProbesArriveAndNodeIsPublic()
    {
        var a = Create();
        var b = Create();
        Assert.True((await a.ConnectAsync(b.LocalEndPoint, b.LocalPeerId, Ct)).Succeeded);

        Assert.Equal(Reachability.Public, await CheckReachabilityOnceConnectedAsync(a));
    }

    [Fact]
    public async Task ObservedAddress_IsToldOnConnectAndBelievedOnlyAtQuorum()
    {
        var options = new TransportOptions { Nat = new NatOptions { ObservedAddressQuorum = 1 } };
        var a = Create(options);
        var b = Create();
        Assert.True((await a.ConnectAsync(b.LocalEndPoint, b.LocalPeerId, Ct)).Succeeded);

        await WaitForAsync(() => a.Nat.ObservedEndPoint is not null, a);

        Assert.Equal(a.LocalEndPoint, a.Nat.ObservedEndPoint);
    }
}
