using P2P.Dht.Lookups;
using P2P.Dht.Simulation;

namespace P2P.Dht.Tests;

/// <summary>One retransmission after the slow threshold; a refusal is final; a late first answer still wins.</summary>
public sealed class RetransmitterTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(1);

    [Fact]
    public void SendAsync_FirstAttemptLost_SecondAnswers()
    {
        var clock = new SimClock();
        var attempts = 0;
        var slowAt = TimeSpan.MinValue;
        var result = clock.Run(() => Retransmitter.SendAsync(clock, Slow, Hard, retransmit: true, async t =>
        {
            if (++attempts == 1)
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, clock, t);
                }
                catch (OperationCanceledException)
                {
                }
                return null;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), clock, t);
            return "pong";
        }, () => slowAt = clock.Elapsed, CancellationToken.None));
        Assert.Equal("pong", result);
        Assert.Equal(2, attempts);
        Assert.Equal(Slow, slowAt);
        Assert.Equal(Slow + TimeSpan.FromMilliseconds(50), clock.Elapsed);
    }

    [Fact]
    public void SendAsync_SlowFirstAnswer_StillUsed()
    {
        var clock = new SimClock();
        var attempts = 0;
        var result = clock.Run(() => Retransmitter.SendAsync(clock, Slow, Hard, retransmit: true, async t =>
        {
            var attempt = ++attempts;
            // The first answer takes 150 ms; the retransmission would take 200 ms more.
            await Task.Delay(TimeSpan.FromMilliseconds(attempt == 1 ? 150 : 200), clock, t);
            return $"answer {attempt}";
        }, null, CancellationToken.None));
        Assert.Equal("answer 1", result);
        Assert.Equal(2, attempts);
        Assert.Equal(TimeSpan.FromMilliseconds(150), clock.Elapsed);
    }

    [Fact]
    public void SendAsync_Refused_DoesNotRetransmit()
    {
        var clock = new SimClock();
        var attempts = 0;
        var result = clock.Run(() => Retransmitter.SendAsync<string>(clock, Slow, Hard, retransmit: true, t =>
        {
            attempts++;
            return Task.FromResult<string?>(null);
        }, null, CancellationToken.None));
        Assert.Null(result);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public void SendAsync_NeverAnswered_GivesUpAtHardTimeout()
    {
        var clock = new SimClock();
        var attempts = 0;
        var result = clock.Run(() => Retransmitter.SendAsync<string>(clock, Slow, Hard, retransmit: true, async t =>
        {
            attempts++;
            await Task.Delay(Timeout.InfiniteTimeSpan, clock, t);
            return null;
        }, null, CancellationToken.None));
        Assert.Null(result);
        Assert.Equal(2, attempts);
        Assert.Equal(Hard, clock.Elapsed);
    }
}
