using P2P.Node.Exchange.Planning;

namespace P2P.Node.Exchange;

/// <summary>
/// Delivery rate and latency of one peer. The rate counts only time during which the peer had requests
/// outstanding (idle gaps are not its fault), smoothed with an exponential moving average; latency keeps a slowly
/// rising minimum of request-to-block times, which approximates the unloaded round trip. Guarded by the exchange gate.
/// </summary>
internal sealed class BandwidthEstimator
{
    private const double Alpha = 0.125;
    private const double MinInterval = 0.0005;
    private long _busySince = -1;
    private double _minLatency = double.NaN;

    public bool HasSample { get; private set; }

    public double BytesPerSecond { get; private set; }

    public double AverageBlockSize { get; private set; } = 256 * 1024;

    public double MinLatencySeconds => double.IsNaN(_minLatency) ? 0 : _minLatency;

    /// <summary>The estimate now, as a value the planner can read without the gate.</summary>
    public PeerRate Rate => new(HasSample, BytesPerSecond, AverageBlockSize, MinLatencySeconds);

    /// <summary>The first request of an idle peer went out at <paramref name="timestamp"/>.</summary>
    public void OnBusy(long timestamp)
    {
        if (_busySince < 0)
            _busySince = timestamp;
    }

    /// <summary>A block of <paramref name="bytes"/> arrived; <paramref name="stillBusy"/> when requests remain outstanding.</summary>
    public void OnDelivered(long now, long sentAt, int bytes, bool stillBusy, TimeProvider time)
    {
        var latency = time.GetElapsedTime(sentAt, now).TotalSeconds;
        // Let the minimum creep up (1 % per sample) so a path that got slower is noticed.
        _minLatency = double.IsNaN(_minLatency) ? latency : Math.Min(latency, _minLatency * 1.01);
        AverageBlockSize += Alpha * (bytes - AverageBlockSize);
        if (_busySince >= 0)
        {
            var interval = Math.Max(MinInterval, time.GetElapsedTime(_busySince, now).TotalSeconds);
            var rate = bytes / interval;
            BytesPerSecond = HasSample ? BytesPerSecond + Alpha * (rate - BytesPerSecond) : rate;
            HasSample = true;
        }
        _busySince = stillBusy ? now : -1;
    }

    /// <summary>The peer has nothing outstanding any more (its requests were cancelled or reassigned).</summary>
    public void OnIdle() => _busySince = -1;
}
