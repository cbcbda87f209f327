namespace P2P.Cli.Infrastructure;

/// <summary>
/// The rate of a growing counter over the last <c>window</c> of time, so a stall reads 0 within one window instead
/// of fading slowly as an average since the start would. Samples are kept a quarter second apart at most, so memory
/// is bounded whatever the report rate. Not thread-safe: its owner's lock guards it.
/// </summary>
internal sealed class RateWindow(TimeProvider time, TimeSpan window)
{
    private static readonly TimeSpan SampleSpacing = TimeSpan.FromMilliseconds(250);

    /// <summary>Oldest first; the first is the baseline, at or before the window's start.</summary>
    private readonly List<(long At, long Value)> _samples = [(time.GetTimestamp(), 0L)];
    private long _value;

    /// <summary>Records the counter's current value (a running total).</summary>
    public void Set(long value)
    {
        _value = Math.Max(_value, value);
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(_samples[^1].At, now) >= SampleSpacing)
            _samples.Add((now, _value));
        else if (_samples.Count > 1)
            _samples[^1] = (_samples[^1].At, _value); // Within one slot the latest value stands for it.
        // Keep one sample at or before the window's start: it is the baseline the rate is measured from.
        var drop = 0;
        while (drop + 1 < _samples.Count && time.GetElapsedTime(_samples[drop + 1].At, now) >= window)
            drop++;
        _samples.RemoveRange(0, drop);
    }

    /// <summary>Bytes per second since the oldest kept sample: the window, or since the start while younger.</summary>
    public double BytesPerSecond()
    {
        var (at, value) = _samples[0];
        var seconds = Math.Max(time.GetElapsedTime(at, time.GetTimestamp()).TotalSeconds, SampleSpacing.TotalSeconds);
        return (_value - value) / seconds;
    }
}
