using P2P.Dht.Simulation;

namespace P2P.Dht.Tests;

/// <summary>The virtual clock: ordering, timers, cancellation on virtual time.</summary>
public sealed class SimClockTests
{
    [Fact]
    public void Schedule_EqualTimes_RunInInsertionOrder()
    {
        var clock = new SimClock();
        var order = new List<int>();
        clock.Schedule(TimeSpan.FromSeconds(2), _ => order.Add(3), null);
        clock.Schedule(TimeSpan.FromSeconds(1), _ => order.Add(1), null);
        clock.Schedule(TimeSpan.FromSeconds(1), _ => order.Add(2), null);
        clock.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal([1, 2, 3], order);
        Assert.Equal(TimeSpan.FromSeconds(5), clock.Elapsed);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresEachPeriodUntilDisposed()
    {
        var clock = new SimClock();
        var fired = new List<TimeSpan>();
        var timer = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        clock.RunFor(TimeSpan.FromSeconds(6));
        timer.Dispose();
        clock.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)], fired);
    }

    [Fact]
    public void CreateTimer_Change_ReplacesPendingFiring()
    {
        var clock = new SimClock();
        var fired = new List<TimeSpan>();
        var timer = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Change(TimeSpan.FromSeconds(4), Timeout.InfiniteTimeSpan);
        clock.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal([TimeSpan.FromSeconds(4)], fired);
    }

    [Fact]
    public void Run_AwaitedDelay_ResumesAtVirtualTime()
    {
        var clock = new SimClock();
        var elapsed = clock.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromHours(5), clock);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(250), clock);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, clock, cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return clock.Elapsed;
        });
        Assert.Equal(TimeSpan.FromHours(5) + TimeSpan.FromMilliseconds(250), elapsed);
    }
}
