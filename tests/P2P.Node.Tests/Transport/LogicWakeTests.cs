using Microsoft.Extensions.Time.Testing;
using P2P.Node.Transport;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// The pace of LiteNetLib's logic thread: fast while reliable packets flow, slow once the node has been quiet, and
/// only the packets that leave the thread work (an ack to send, a send window to refill) count as traffic, not the
/// keepalives, pings and pongs an idle session exchanges every second.
/// </summary>
public sealed class LogicWakeTests
{
    [Theory]
    [InlineData(1, true)] // reliable data: owes an ack
    [InlineData(2, true)] // reliable merged
    [InlineData(3, true)] // ack: may free the send window
    [InlineData(13, true)] // merged: may carry any of the above
    [InlineData(1 | (3 << 5), true)] // the connection number's bits do not matter
    [InlineData(0, false)] // unreliable: keepalives and handshake hellos
    [InlineData(4, false)] // ping: LiteNetLib answers from the receive thread
    [InlineData(5, false)] // pong
    [InlineData(6, false)] // connect request
    [InlineData(8, false)] // disconnect
    public void OwesLogicRound_OnlyPacketsThatLeaveTheLogicThreadWork(int first, bool expected) =>
        Assert.Equal(expected, NatPacketLayer.OwesLogicRound((byte)first));

    [Fact]
    public void LogicPace_FastWhileTrafficFlows_SlowOnceQuiet()
    {
        var time = new FakeTimeProvider();
        var ticks = new List<int>();
        var wakes = 0;
        using var pace = new LogicPace(1, 25, ticks.Add, () => wakes++, time);
        Assert.Equal([25], ticks);

        // The first packet sets the fast tick and wakes the thread; the next ones cost nothing more.
        pace.OnActive();
        pace.OnActive();
        Assert.Equal([25, 1], ticks);
        Assert.Equal(1, wakes);

        // Traffic half-way through the quiet period keeps it fast past the first check.
        time.Advance(LogicPace.Quiet / 2);
        pace.OnActive();
        time.Advance(LogicPace.Quiet / 2);
        Assert.True(pace.Busy);
        Assert.Equal([25, 1], ticks);

        // Quiet for a whole period: slow again, and nothing more happens however long it stays quiet.
        time.Advance(LogicPace.Quiet);
        Assert.False(pace.Busy);
        Assert.Equal([25, 1, 25], ticks);
        time.Advance(LogicPace.Quiet * 10);
        Assert.Equal([25, 1, 25], ticks);

        // The next packet brings the fast tick back at once.
        pace.OnActive();
        Assert.Equal([25, 1, 25, 1], ticks);
        Assert.Equal(2, wakes);
    }
}
