namespace P2P.Dht.Simulation;

/// <summary>
/// A timer on a <see cref="SimClock"/>. Changing or disposing it bumps a generation number, so callbacks
/// already queued for an older setting are skipped rather than removed from the heap.
/// </summary>
internal sealed class SimTimer : ITimer
{
    private readonly SimClock _clock;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private long _generation;
    private long _periodTicks;
    private bool _disposed;

    public SimTimer(SimClock clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _clock = clock;
        _callback = callback;
        _state = state;
        Change(dueTime, period);
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed) return false;
        var generation = ++_generation;
        _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        if (dueTime != Timeout.InfiniteTimeSpan) Arm(dueTime, generation);
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        _generation++;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Arm(TimeSpan delay, long generation) =>
        _clock.Schedule(delay, static s => ((Firing)s!).Fire(), new Firing(this, generation));

    private void Fire(long generation)
    {
        if (_disposed || generation != _generation) return;
        if (_periodTicks > 0) Arm(TimeSpan.FromTicks(_periodTicks), generation);
        _callback(_state);
    }

    private sealed record Firing(SimTimer Timer, long Generation)
    {
        public void Fire() => Timer.Fire(Generation);
    }
}
