namespace P2P.Dht.Tests;

public sealed class ChangeSignalTests
{
    [Fact]
    public void Next_CompletesAtThePulseAfterIt_NotBefore()
    {
        var signal = new ChangeSignal();
        signal.Pulse(); // nobody waits: nothing to wake, nothing remembered
        var first = signal.Next();
        Assert.Same(first, signal.Next());
        Assert.False(first.IsCompleted);

        signal.Pulse();
        Assert.True(first.IsCompletedSuccessfully);
        var second = signal.Next();
        Assert.NotSame(first, second);
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public async Task Waiter_MissesNoChangeMadeBetweenItsCheckAndItsAwait()
    {
        var signal = new ChangeSignal();
        var value = 0;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                Interlocked.Increment(ref value);
                signal.Pulse();
            }
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var changed = signal.Next();
            if (Volatile.Read(ref value) == 10_000) break;
            await changed.WaitAsync(timeout.Token);
        }
        await writer;
        Assert.Equal(10_000, value);
    }
}
