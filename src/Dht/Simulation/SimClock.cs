namespace P2P.Dht.Simulation;

/// <summary>
/// A discrete-event virtual clock: a <see cref="TimeProvider"/> whose timers sit in a priority queue
/// ordered by (due time, insertion number), so events at equal times run in the order they were
/// scheduled and a seeded run is reproducible. Single-threaded: everything runs on the thread that calls
/// <see cref="Run{T}(Task{T})"/> or <see cref="RunFor"/>, with <see cref="SimSynchronizationContext"/>
/// installed so that every await resumes through this queue rather than the thread pool.
/// </summary>
public sealed class SimClock : TimeProvider
{
    /// <summary>Virtual time zero.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Guarded by _queueGate.</summary>
    private readonly PriorityQueue<ScheduledEvent, (long Due, long Seq)> _queue = new();
    /// <summary>
    /// Events run on one thread, but the runtime may post a continuation from whichever thread completed its task
    /// (a test's own timer, a task finished outside the simulation), and an unguarded heap corrupts under that.
    /// </summary>
    private readonly Lock _queueGate = new();
    private readonly SimSynchronizationContext _context;
    private long _now;
    private long _seq;

    public SimClock() => _context = new SimSynchronizationContext(this);

    /// <summary>Virtual ticks elapsed since <see cref="Epoch"/>.</summary>
    public long NowTicks => _now;

    /// <summary>Virtual time elapsed since <see cref="Epoch"/>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(_now);

    /// <summary>Events run so far.</summary>
    public long EventsRun { get; private set; }

    /// <summary>Events waiting.</summary>
    public int Pending
    {
        get { lock (_queueGate) return _queue.Count; }
    }

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(_now);

    public override long GetTimestamp() => _now;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new SimTimer(this, callback, state, dueTime, period);

    /// <summary>Queues <paramref name="action"/> to run <paramref name="delay"/> from now (zero: after what is already due now).</summary>
    public void Schedule(TimeSpan delay, Action<object?> action, object? state)
    {
        lock (_queueGate)
        {
            var due = _now + Math.Max(0, delay.Ticks);
            _queue.Enqueue(new ScheduledEvent(action, state), (due, _seq++));
        }
    }

    /// <summary>Runs events until <paramref name="task"/> completes; throws if the queue empties first.</summary>
    public T Run<T>(Task<T> task)
    {
        RunUntil(() => task.IsCompleted, long.MaxValue);
        if (!task.IsCompleted) throw new InvalidOperationException("the simulation ran out of events before the task completed");
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Runs events until <paramref name="task"/> completes; throws if the queue empties first.</summary>
    public void Run(Task task)
    {
        RunUntil(() => task.IsCompleted, long.MaxValue);
        if (!task.IsCompleted) throw new InvalidOperationException("the simulation ran out of events before the task completed");
        task.GetAwaiter().GetResult();
    }

    /// <summary>Starts <paramref name="start"/> on the simulation thread (so its awaits stay in the queue) and runs it to completion.</summary>
    public T Run<T>(Func<Task<T>> start)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        try
        {
            return Run(start());
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Runs every event due within <paramref name="span"/>, then sets the clock to now + span.</summary>
    public void RunFor(TimeSpan span)
    {
        var end = _now + span.Ticks;
        RunUntil(static () => false, end);
        _now = Math.Max(_now, end);
    }

    private void RunUntil(Func<bool> done, long endTicks)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        try
        {
            while (!done())
            {
                ScheduledEvent next;
                lock (_queueGate)
                {
                    if (!_queue.TryPeek(out _, out var key) || key.Due > endTicks) break;
                    next = _queue.Dequeue();
                    _now = key.Due;
                }
                EventsRun++;
                next.Action(next.State);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private readonly record struct ScheduledEvent(Action<object?> Action, object? State);
}
