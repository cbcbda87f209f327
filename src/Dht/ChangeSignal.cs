namespace P2P.Dht;

/// <summary>
/// Lets a reader wait for state that other threads change, without polling: the owner calls <see cref="Pulse"/>
/// after each change, a reader takes <see cref="Next"/> before it checks the state and awaits it only if the check
/// fails, so no change between check and await is missed. A pulse nobody waits for costs one volatile read.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource? _next;

    /// <summary>Wakes everyone waiting on a task from <see cref="Next"/>.</summary>
    public void Pulse()
    {
        if (Volatile.Read(ref _next) is null) return;
        Interlocked.Exchange(ref _next, null)?.TrySetResult();
    }

    /// <summary>A task that completes at the next <see cref="Pulse"/> after this call.</summary>
    public Task Next()
    {
        var next = Volatile.Read(ref _next);
        if (next is not null) return next.Task;
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, fresh, null) ?? fresh).Task;
    }
}
