namespace P2P.Dht.Lookups;

/// <summary>
/// Smoothed round-trip time and its variation (RFC 6298, section 2), used to decide when a request is
/// "slow" rather than to fail it. Thread-safe.
/// </summary>
public sealed class RttEstimator(TimeSpan floor, TimeSpan ceiling)
{
    private readonly Lock _gate = new();
    /// <summary>Smoothed RTT in ticks; 0 until the first sample. Guarded by _gate.</summary>
    private double _srtt;
    /// <summary>RTT variation in ticks. Guarded by _gate.</summary>
    private double _rttvar;

    /// <summary>Records one measured round trip.</summary>
    public void Add(TimeSpan sample)
    {
        var r = (double)Math.Max(sample.Ticks, 1);
        lock (_gate)
        {
            if (_srtt == 0)
            {
                _srtt = r;
                _rttvar = r / 2;
                return;
            }
            _rttvar = (0.75 * _rttvar) + (0.25 * Math.Abs(_srtt - r));
            _srtt = (0.875 * _srtt) + (0.125 * r);
        }
    }

    /// <summary>
    /// srtt + 4·rttvar clamped to [floor, ceiling]; half the ceiling before any sample (RFC 6298 starts
    /// from a conservative value too).
    /// </summary>
    public TimeSpan SlowAfter
    {
        get
        {
            lock (_gate)
            {
                if (_srtt == 0) return ceiling / 2 > floor ? ceiling / 2 : floor;
                var ticks = (long)(_srtt + (4 * _rttvar));
                return TimeSpan.FromTicks(Math.Clamp(ticks, floor.Ticks, ceiling.Ticks));
            }
        }
    }
}
