namespace P2P.Cli.Infrastructure;

/// <summary>
/// The rate of a growing counter over the last <c>window</c> of time, so a stall reads 0 within one window instead
/// of fading slowly as an average since the start would. Samples are kept a quarter second apart at most, so memory
/// is bounded whatever the report rate. Not thread-safe: its owner's lock guards it.
/// </summary>
internal sealed class RateWindow(TimeProvider time, TimeSpan window)
{
    private static readonly TimeSpan SampleSpacing = TimeSpan.FromMilliseconds(250);

    private readonly Queue<(long At, long Value)> _samples = new([(time.GetTimestamp(), 0L)]);
    private long _value;

    /// <summary>Records the counter's current value (a running total).</summary>
    public void Set(long value)
    {
        _value = Math.Max(_value, value);
        var now = time.GetTimestamp();
        if (_samples.Count == 0 || time.GetElapsedTime(_samples.Last().At, now) >= SampleSpacing)
            _samples.Enqueue((now, _value));
        // Keep one sample at or before the window's start: it is the baseline the rate is measured from.
        while (_samples.Count > 1 && time.GetElapsedTime(_samples.ElementAt(1).At, now) >= window)
            _samples.Dequeue();
    }

    /// <summary>Bytes per second since the oldest kept sample: the window, or since the start while younger.</summary>
    public double BytesPerSecond()
    {
        if (_samples.Count == 0)
            return 0;
        var (at, value) = _samples.Peek();
        var seconds = Math.Max(time.GetElapsedTime(at, time.GetTimestamp()).TotalSeconds, SampleSpacing.TotalSeconds);
        return (_value - value) / seconds;
    }
}
