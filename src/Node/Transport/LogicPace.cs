namespace P2P.Node.Transport;

/// <summary>
/// Paces LiteNetLib's logic thread, which sends queued data and acks and runs resends only on its tick: a fast tick
/// while reliable traffic flows, so acks leave batched within a millisecond as they always did, and a slow one once
/// the node has been quiet for <see cref="Quiet"/>, so an idle daemon does not wake 1,000 times a second
/// (docs/perf/fetch-path.md, "Idle CPU"). Waking the thread for every packet instead sent one ack per packet and
/// cost a capped fetch ~10 % more CPU. Callers pass the manager's tick setter and its TriggerUpdate.
/// </summary>
internal sealed class LogicPace : IDisposable
{
    /// <summary>Quiet this long (no reliable packet in or out) and the tick slows down.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly int _fast;
    private readonly int _slow;
    private readonly Action<int> _setTick;
    private readonly Action _wake;
    private readonly TimeProvider _time;
    private readonly ITimer _check;
    private long _lastActive;

    /// <summary>1 while the fast tick is set. Changed by <see cref="OnActive"/> (0 to 1) and <see cref="Check"/> (1 to 0).</summary>
    private int _busy;

    public LogicPace(int fastMilliseconds, int slowMilliseconds, Action<int> setTick, Action wake, TimeProvider time)
    {
        _fast = fastMilliseconds;
        _slow = slowMilliseconds;
        _setTick = setTick;
        _wake = wake;
        _time = time;
        _check = time.CreateTimer(static s => ((LogicPace)s!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        setTick(slowMilliseconds);
    }

    /// <summary>True while the fast tick is set (tests).</summary>
    public bool Busy => Volatile.Read(ref _busy) == 1;

    /// <summary>
    /// A reliable packet came in (it owes an ack, or is an ack that may free the send window). The first after a
    /// quiet spell sets the fast tick and wakes the thread at once; the others cost one timestamp.
    /// </summary>
    public void OnActive()
    {
        Volatile.Write(ref _lastActive, _time.GetTimestamp());
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            return;
        _setTick(_fast);
        _wake();
        _check.Change(Quiet, Quiet);
    }

    private void Check()
    {
        if (_time.GetElapsedTime(Volatile.Read(ref _lastActive)) < Quiet)
            return;
        _check.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _setTick(_slow);
        Volatile.Write(ref _busy, 0);
        // A packet between the check above and the reset saw the fast tick still set and did nothing: go fast again.
        if (_time.GetElapsedTime(Volatile.Read(ref _lastActive)) < Quiet)
            OnActive();
    }

    public void Dispose() => _check.Dispose();
}
