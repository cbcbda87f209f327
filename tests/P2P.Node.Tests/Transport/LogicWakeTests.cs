using Microsoft.Extensions.Time.Testing;
using P2P.Node.Transport;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// The pace of LiteNetLib's logic thread: slow with a wake per message read while reliable packets trickle, fast while
/// they flow densely, slow again once they thin out; only the packets that leave the thread work (an ack to send, a
/// send window to refill) count as traffic, not the keepalives, pings and pongs an idle session exchanges every second.
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

    /// <summary>A pace over a fake clock, with the ticks it set and the wakes it asked for.</summary>
    private sealed class Recorder : IDisposable
    {
        public FakeTimeProvider Time { get; } = new();
        public List<int> Ticks { get; } = [];
        public int Wakes { get; private set; }
        public LogicPace Pace { get; }

        public Recorder() => Pace = new LogicPace(1, 25, Ticks.Add, () => Wakes++, Time);

        public void Dispose() => Pace.Dispose();
    }

    [Fact]
    public void LogicPace_SparsePackets_KeepTheSlowTickAndWakeOncePerMessageRead()
    {
        using var r = new Recorder();
        Assert.Equal([25], r.Ticks);

        // 200 packets a second for two seconds, each a message read a moment later: a wake each, never the fast tick.
        for (var i = 0; i < 400; i++)
        {
            r.Pace.OnActive();
            r.Pace.OnDelivered();
            r.Time.Advance(TimeSpan.FromMilliseconds(5));
        }
        Assert.False(r.Pace.Busy);
        Assert.Equal([25], r.Ticks);
        Assert.Equal(400, r.Wakes);
    }

    [Fact]
    public void LogicPace_DenseBurst_SetsTheFastTickAndStopsTheWakesPerMessage()
    {
        using var r = new Recorder();
        for (var i = 0; i < LogicPace.DenseCount - 1; i++)
            r.Pace.OnActive();
        Assert.False(r.Pace.Busy);

        // The tenth packet within the window: fast tick, one wake; messages read from then on wake nothing.
        r.Pace.OnActive();
        Assert.True(r.Pace.Busy);
        Assert.Equal([25, 1], r.Ticks);
        Assert.Equal(1, r.Wakes);
        r.Pace.OnDelivered();
        r.Pace.OnActive();
        Assert.Equal(1, r.Wakes);
        Assert.Equal([25, 1], r.Ticks);
    }

    [Fact]
    public void LogicPace_PacketsSpreadOverWindows_AreNotDense()
    {
        using var r = new Recorder();
        // Nine packets in each of many windows: never ten within one.
        for (var window = 0; window < 50; window++)
        {
            for (var i = 0; i < LogicPace.DenseCount - 1; i++)
                r.Pace.OnActive();
            r.Time.Advance(LogicPace.DenseWindow);
        }
        Assert.False(r.Pace.Busy);
        Assert.Equal([25], r.Ticks);
    }

    [Fact]
    public void LogicPace_ASendOfManyPackets_SetsTheFastTickAtOnce()
    {
        using var r = new Recorder();
        r.Pace.OnSent(1);
        Assert.False(r.Pace.Busy);
        r.Pace.OnSent(LogicPace.DenseCount);
        Assert.True(r.Pace.Busy);
        Assert.Equal([25, 1], r.Ticks);
    }

    [Fact]
    public void LogicPace_FastTick_LastsWhileTrafficStaysDenseAndEndsWhenItThins()
    {
        using var r = new Recorder();
        r.Pace.OnSent(LogicPace.DenseCount);
        Assert.True(r.Pace.Busy);

        // A whole period at the sparse limit keeps it fast.
        for (var i = 0; i < LogicPace.SparsePerQuiet; i++)
            r.Pace.OnActive();
        r.Time.Advance(LogicPace.Quiet);
        Assert.True(r.Pace.Busy);
        Assert.Equal([25, 1], r.Ticks);

        // One packet fewer in the next period: slow again, and nothing more happens however long it stays quiet.
        for (var i = 0; i < LogicPace.SparsePerQuiet - 1; i++)
            r.Pace.OnActive();
        r.Time.Advance(LogicPace.Quiet);
        Assert.False(r.Pace.Busy);
        Assert.Equal([25, 1, 25], r.Ticks);
        r.Time.Advance(LogicPace.Quiet * 10);
        Assert.Equal([25, 1, 25], r.Ticks);

        // Back on the slow tick a message read wakes the thread again, and the next burst brings the fast tick back.
        var wakes = r.Wakes;
        r.Pace.OnDelivered();
        Assert.Equal(wakes + 1, r.Wakes);
        r.Pace.OnSent(LogicPace.DenseCount);
        Assert.Equal([25, 1, 25, 1], r.Ticks);
    }
}
