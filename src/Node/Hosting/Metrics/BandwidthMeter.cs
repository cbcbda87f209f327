namespace P2P.Node.Hosting.Metrics;

/// <summary>
/// Totals and rates of block bytes received and sent, for `stats/bw`. Samples the totals once a second (a timer
/// on the injected <see cref="TimeProvider"/>) and reports the rate over the last interval, smoothed as an
/// exponentially weighted moving average so one quiet second does not read as a stalled transfer.
/// </summary>
public sealed class BandwidthMeter : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Weight of the newest sample: about the last five seconds dominate the rate.</summary>
    private const double Smoothing = 0.3;

    private readonly Func<(long In, long Out)> _totals;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private (long In, long Out) _previous;
    private long _previousTicks;
    private double _rateIn;
    private double _rateOut;

    public BandwidthMeter(Func<(long In, long Out)> totals, TimeProvider time)
    {
        _totals = totals;
        _time = time;
        _previous = totals();
        _previousTicks = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Sample(), null, Interval, Interval);
    }

    public BandwidthSnapshot Current()
    {
        var (totalIn, totalOut) = _totals();
        lock (_lock)
            return new BandwidthSnapshot(totalIn, totalOut, _rateIn, _rateOut);
    }

    /// <summary>Takes one sample now; the timer calls it every <see cref="Interval"/>.</summary>
    public void Sample()
    {
        var now = _time.GetTimestamp();
        var totals = _totals();
        lock (_lock)
        {
            var seconds = _time.GetElapsedTime(_previousTicks, now).TotalSeconds;
            if (seconds <= 0)
                return;
            var rateIn = Math.Max(0, totals.In - _previous.In) / seconds;
            var rateOut = Math.Max(0, totals.Out - _previous.Out) / seconds;
            _rateIn = (Smoothing * rateIn) + ((1 - Smoothing) * _rateIn);
            _rateOut = (Smoothing * rateOut) + ((1 - Smoothing) * _rateOut);
            _previous = totals;
            _previousTicks = now;
        }
    }

    public void Dispose() => _timer.Dispose();
}
