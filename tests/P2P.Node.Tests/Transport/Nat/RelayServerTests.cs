using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Multiformats;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport.Nat;

/// <summary>The relay's caps and forwarding rules, without sockets.</summary>
public sealed class RelayServerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly Random _random = new(11);
    private readonly PeerIds _peers = new();

    public void Dispose() => _peers.Dispose();

    private PeerId NewPeer() => _peers.New();

    private static IPEndPoint At(int n) => new(IPAddress.Parse($"198.18.0.{n}"), 4000 + n);

    [Fact]
    public void Forward_OnlyFromTheLegsOwnEndPoint_AndToTheOtherEnd()
    {
        var relay = new RelayServer(new NatOptions(), _time);
        var (a, b) = (NewPeer(), NewPeer());
        Assert.Null(relay.Reserve(b, At(2)));
        var open = relay.Open(a, At(1), b, _random, out var refusal);
        Assert.Null(refusal);
        var (fromLeg, toLeg, toEndPoint) = open!.Value;
        Assert.Equal(At(2), toEndPoint);

        Assert.Equal((At(2), toLeg), relay.Forward(At(1), fromLeg, 100));
        Assert.Equal((At(1), fromLeg), relay.Forward(At(2), toLeg, 100));
        Assert.Null(relay.Forward(At(3), fromLeg, 100));
        Assert.Null(relay.Forward(At(1), fromLeg + 1, 100));
    }

    [Fact]
    public void Reserve_OverTheCap_IsRefusedButRenewalIsNot()
    {
        var relay = new RelayServer(new NatOptions { MaxReservations = 2 }, _time);
        var (a, b, c) = (NewPeer(), NewPeer(), NewPeer());
        Assert.Null(relay.Reserve(a, At(1)));
        Assert.Null(relay.Reserve(b, At(2)));
        Assert.NotNull(relay.Reserve(c, At(3)));
        Assert.Null(relay.Reserve(a, At(1)));
        Assert.Equal(2, relay.ReservationCount);
    }

    [Fact]
    public void Reserve_ExpiresAfterItsTtl()
    {
        var relay = new RelayServer(new NatOptions { ReservationTtl = TimeSpan.FromMinutes(1) }, _time);
        var a = NewPeer();
        relay.Reserve(a, At(1));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(relay.ReservedEndPoint(a));
        Assert.Null(relay.Open(NewPeer(), At(2), a, _random, out var refusal));
        Assert.Contains("no reservation", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ThousandRequestsFromOnePeerToOneTarget_HoldOneCircuit_AndLeaveTheTargetsQuotaToOthers()
    {
        var relay = new RelayServer(new NatOptions { MaxCircuitsPerPeer = 4, MaxCircuits = 64 }, _time);
        var (a, b, honest) = (NewPeer(), NewPeer(), NewPeer());
        relay.Reserve(b, At(2));
        (ulong FromLeg, ulong ToLeg, IPEndPoint ToEndPoint)? last = null;
        for (var i = 0; i < 1000; i++)
            last = relay.Open(a, At(1), b, _random, out _) ?? last;

        // Each request replaced the pair's previous circuit: the newest is the only one, and the old legs are dead.
        Assert.Equal(1, relay.CircuitCount);
        Assert.NotNull(relay.Forward(At(1), last!.Value.FromLeg, 10));
        Assert.NotNull(relay.Open(honest, At(3), b, _random, out var refusal));
        Assert.Null(refusal);
        Assert.Equal(2, relay.CircuitCount);
    }

    [Fact]
    public void Open_ThousandRequestsFromOnePeerToManyTargets_StopAtThePerPeerCap()
    {
        var relay = new RelayServer(new NatOptions { MaxCircuitsPerPeer = 4, MaxCircuits = 64 }, _time);
        var a = NewPeer();
        var targets = Enumerable.Range(0, 10).Select(_ => NewPeer()).ToList();
        for (var t = 0; t < targets.Count; t++)
            relay.Reserve(targets[t], At(10 + t));
        var opened = 0;
        for (var i = 0; i < 1000; i++)
        {
            if (relay.Open(a, At(1), targets[i % targets.Count], _random, out _) is not null)
                opened++;
        }
        Assert.Equal(4, relay.CircuitCount);
        Assert.True(opened >= 4);
    }

    [Fact]
    public void Forward_BeyondTheByteCapOrTheDuration_ClosesTheCircuit()
    {
        var relay = new RelayServer(new NatOptions { MaxCircuitBytes = 1000, MaxCircuitDuration = TimeSpan.FromMinutes(1) }, _time);
        var (a, b) = (NewPeer(), NewPeer());
        relay.Reserve(b, At(2));
        var (leg, _, _) = relay.Open(a, At(1), b, _random, out _)!.Value;
        Assert.NotNull(relay.Forward(At(1), leg, 900));
        Assert.Null(relay.Forward(At(1), leg, 200));
        Assert.Equal(0, relay.CircuitCount);

        var (leg2, _, _) = relay.Open(a, At(1), b, _random, out _)!.Value;
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(relay.Forward(At(1), leg2, 10));
        Assert.Equal(0, relay.CircuitCount);
    }

    [Fact]
    public void OnPeerGone_DropsItsReservationAndCircuits()
    {
        var relay = new RelayServer(new NatOptions(), _time);
        var (a, b) = (NewPeer(), NewPeer());
        relay.Reserve(b, At(2));
        var (leg, _, _) = relay.Open(a, At(1), b, _random, out _)!.Value;
        relay.OnPeerGone(b);
        Assert.Equal(0, relay.ReservationCount);
        Assert.Equal(0, relay.CircuitCount);
        Assert.Null(relay.Forward(At(1), leg, 10));
    }
}
