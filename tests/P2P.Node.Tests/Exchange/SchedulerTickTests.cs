using Microsoft.Extensions.Time.Testing;
using P2P.Node.Exchange;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// The scheduler's housekeeping tick costs nothing while there is nothing to fetch: it is armed when a session opens
/// and disarmed once the last one closes (an idle daemon used to run 50 rounds a second on the thread pool).
/// </summary>
public sealed class SchedulerTickTests() : ExchangeTestBase(TimeSpan.FromSeconds(25))
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Tick_FiresOnlyWhileASessionIsOpen()
    {
        var time = new FakeTimeProvider();
        var node = Track(new ExchangeNode(new MemoryBlockStore(), time: time, options: new ExchangeOptions { TickInterval = Interval }));
        var exchange = node.Exchange;
        var (root, _, _) = await ImportAsync(new MemoryBlockStore(), ChunkSize);

        // No session: a second of (fake) time passes without a single tick.
        AdvanceTicks(time, 50);
        Assert.False(exchange.SchedulerTicking);
        Assert.Equal(0, exchange.SchedulerTicks);

        // Opening a session runs a round at once, and that round arms the tick.
        var armed = exchange.SchedulerRoundEnded.Next();
        var session = exchange.OpenSession(root);
        await armed.WaitAsync(Ct);
        Assert.True(exchange.SchedulerTicking);
        var round = exchange.SchedulerRoundEnded.Next();
        time.Advance(Interval);
        await round.WaitAsync(Ct);
        Assert.Equal(1, exchange.SchedulerTicks);

        // Closing the last session runs a round that disarms it: time passes again without a tick.
        await session.DisposeAsync();
        await UntilIdleAsync(exchange);
        var ticks = exchange.SchedulerTicks;
        AdvanceTicks(time, 50);
        Assert.Equal(ticks, exchange.SchedulerTicks);

        // The next session starts it again.
        armed = exchange.SchedulerRoundEnded.Next();
        await using var again = exchange.OpenSession(root);
        await armed.WaitAsync(Ct);
        Assert.True(exchange.SchedulerTicking);
        round = exchange.SchedulerRoundEnded.Next();
        time.Advance(Interval);
        await round.WaitAsync(Ct);
        Assert.Equal(ticks + 1, exchange.SchedulerTicks);
    }

    private static void AdvanceTicks(FakeTimeProvider time, int count)
    {
        for (var i = 0; i < count; i++)
            time.Advance(Interval);
    }

    /// <summary>Waits for the round that disarms the tick (the signal is taken before the check, so none is missed).</summary>
    private async Task UntilIdleAsync(BlockExchange exchange)
    {
        while (true)
        {
            var round = exchange.SchedulerRoundEnded.Next();
            if (!exchange.SchedulerTicking)
                return;
            await round.WaitAsync(Ct);
        }
    }
}
