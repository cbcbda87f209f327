namespace P2P.Node.Content.Exporting;

/// <summary>
/// Speculative block fetches allowed at once across every read that shares this budget: on a daemon, every
/// gateway and API stream together. Each read's own window already bounds what one client can pin in memory;
/// this bounds the sum, so a few hundred clients that stall at once cannot each hold a full window. A read that
/// finds the budget spent just fetches the block it needs now and nothing ahead, so it slows down but never
/// waits on another client. Thread-safe.
/// </summary>
public sealed class ReadAheadBudget
{
    /// <summary>Slots free now; changed only with Interlocked.</summary>
    private int _free;

    public ReadAheadBudget(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        Slots = slots;
        _free = slots;
    }

    /// <summary>A budget that never runs out, for a reader that owns the process (the offline CLI).</summary>
    public static ReadAheadBudget Unlimited { get; } = new(int.MaxValue);

    public int Slots { get; }

    /// <summary>Slots taken now; for metrics and tests.</summary>
    public int InUse => Slots - Volatile.Read(ref _free);

    public bool TryTake()
    {
        var free = Volatile.Read(ref _free);
        while (free > 0)
        {
            var seen = Interlocked.CompareExchange(ref _free, free - 1, free);
            if (seen == free)
                return true;
            free = seen;
        }
        return false;
    }

    public void Return() => Interlocked.Increment(ref _free);
}
