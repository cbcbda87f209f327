namespace P2P.Node.Transport;

/// <summary>
/// Paces LiteNetLib's logic thread, which sends queued data and acks and runs resends only on its tick. Three cases:
/// <list type="bullet">
/// <item>Quiet or sparse traffic (DHT requests, want-blocks, haves: up to several hundred packets a second): the slow
/// tick, and the thread is woken once LiteNetLib has read a reliable message (<see cref="OnDelivered"/>), so its ack
/// still leaves at once. A 1 ms tick kept for a second after every reliable packet held a node announcing an add's
/// blocks at ~950 logic-thread wake-ups a second, 0.12 s of CPU per 5 s, for as long as the announcements ran
/// (docs/perf/multi-provider.md, "Third pass").</item>
/// <item>Dense traffic (<see cref="DenseCount"/> reliable packets, in or out, within <see cref="DenseWindow"/>: blocks
/// over UDP, a long burst of fragments): the fast tick, so acks leave batched within a millisecond and send windows
/// refill on time. Waking the thread per packet there sent one ack per packet and cost a capped fetch ~10 % more CPU
/// (docs/perf/fetch-path.md, "Idle CPU").</item>
/// <item>Back to the slow tick after a <see cref="Quiet"/> period with fewer than <see cref="SparsePerQuiet"/> packets:
/// below that rate a wake per message costs less than a tick every millisecond.</item>
/// </list>
/// Callers pass the manager's tick setter and its TriggerUpdate.
/// </summary>
internal sealed class LogicPace : IDisposable
{
    /// <summary>How often the fast tick checks whether traffic has thinned out.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    /// <summary>The span over which packets are counted to tell dense traffic from a trickle.</summary>
    public static readonly TimeSpan DenseWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Packets within <see cref="DenseWindow"/> that make traffic dense: half of LiteNetLib's 64-packet send window, so
    /// a stream that would fill the window gets the fast tick before it does. A first try at 10 (with 250 below) left a
    /// node announcing an add's blocks on the fast tick as before (4,796 logic-thread wake-ups per 5 s against 4,716).
    /// </summary>
    public const int DenseCount = 32;

    /// <summary>
    /// Fewer packets than this in a <see cref="Quiet"/> period and the fast tick ends: below one a millisecond, a wake
    /// per message read costs no more than the tick.
    /// </summary>
    public const int SparsePerQuiet = 1000;

    private readonly int _fast;
    private readonly int _slow;
    private readonly Action<int> _setTick;
    private readonly Action _wake;
    private readonly TimeProvider _time;
    private readonly ITimer _check;
    private readonly Lock _gate = new();

    /// <summary>Start of the current density window and the packets counted in it. Guarded by _gate.</summary>
    private long _windowStart;

    private int _windowCount;

    /// <summary>Packets since the last check of the fast tick.</summary>
    private int _sinceCheck;

    /// <summary>1 while the fast tick is set. Written under _gate (by <see cref="Count"/> and <see cref="Check"/>), read without it.</summary>
    private int _busy;

    public LogicPace(int fastMilliseconds, int slowMilliseconds, Action<int> setTick, Action wake, TimeProvider time)
    {
        _fast = fastMilliseconds;
        _slow = slowMilliseconds;
        _setTick = setTick;
        _wake = wake;
        _time = time;
        _windowStart = time.GetTimestamp();
        _check = time.CreateTimer(static s => ((LogicPace)s!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        setTick(slowMilliseconds);
    }

    /// <summary>True while the fast tick is set (tests).</summary>
    public bool Busy => Volatile.Read(ref _busy) == 1;

    /// <summary>
    /// A reliable packet came in (it owes an ack, or is an ack that may free the send window), before LiteNetLib has
    /// read it. It counts towards density; the wake for its ack comes from <see cref="OnDelivered"/>, after the read.
    /// </summary>
    public void OnActive() => Count(1);

    /// <summary>A reliable message of about <paramref name="packets"/> packets was queued for sending.</summary>
    public void OnSent(int packets) => Count(packets);

    /// <summary>
    /// LiteNetLib has read a reliable message (its ack is now due). On the slow tick this wakes the thread so the ack
    /// leaves now; on the fast tick it waits at most a millisecond anyway.
    /// </summary>
    public void OnDelivered()
    {
        if (!Busy)
            _wake();
    }

    private void Count(int packets)
    {
        Interlocked.Add(ref _sinceCheck, packets);
        if (Busy)
            return;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_windowStart, now) >= DenseWindow)
            {
                _windowStart = now;
                _windowCount = 0;
            }
            _windowCount += packets;
            if (_windowCount < DenseCount || _busy == 1)
                return;
            Volatile.Write(ref _sinceCheck, 0);
            Volatile.Write(ref _busy, 1);
            _setTick(_fast);
            _check.Change(Quiet, Quiet);
        }
        _wake();
    }

    private void Check()
    {
        if (Interlocked.Exchange(ref _sinceCheck, 0) >= SparsePerQuiet)
            return;
        lock (_gate)
        {
            _check.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            // Cleared before the tick slows: a message read in between then wakes the thread itself.
            Volatile.Write(ref _busy, 0);
            _setTick(_slow);
            // A fresh window: packets counted while the tick was fast say nothing about the slow spell starting now.
            _windowStart = _time.GetTimestamp();
            _windowCount = 0;
        }
    }

    public void Dispose() => _check.Dispose();
}
