using P2P.Node.Exchange.Planning;

namespace P2P.Node.Exchange;

/// <summary>
/// Delivery rate and latency of one peer. The rate counts only time during which the peer had requests
/// outstanding (idle gaps are not its fault): it is the smoothed bytes per delivery over the smoothed busy seconds
/// per delivery (two exponential moving averages), not a moving average of per-block rates. Blocks arrive in bursts
/// (an upload cap's token bucket, the receiver's verification queue, a GC pause on either side): four blocks a
/// millisecond apart and then one after 100 ms average to ~400 MB/s per block, while the peer delivered 10 MB/s; the
/// planner then gave that peer a 64-block window and sent duplicates of everything "overdue" at it
/// (docs/perf/multi-provider.md). Only deliveries that follow another delivery with requests still outstanding are
/// rate samples: the wait for the first block after an idle spell is a round trip (plus a cold serve path), not
/// throughput, and taken as a rate it pinned a peer at ~1 MB/s, hence a 2-3 block window it could never show its
/// speed through. Latency keeps a slowly rising minimum of request-to-block times, which
/// approximates the unloaded round trip. Guarded by the exchange gate.
/// </summary>
internal sealed class BandwidthEstimator
{
    private const double Alpha = 0.125;
    private const double MinInterval = 0.0005;
    private long _busySince = -1;

    /// <summary>True when <see cref="_busySince"/> is the time of the previous delivery rather than of a first request.</summary>
    private bool _pipelined;

    /// <summary>Smoothed bytes and busy seconds per delivery; their ratio is the rate.</summary>
    private double _bytesPerSample;
    private double _secondsPerSample;
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
        {
            _busySince = timestamp;
            _pipelined = false;
        }
    }

    /// <summary>A block of <paramref name="bytes"/> arrived; <paramref name="stillBusy"/> when requests remain outstanding.</summary>
    public void OnDelivered(long now, long sentAt, int bytes, bool stillBusy, TimeProvider time)
    {
        var latency = time.GetElapsedTime(sentAt, now).TotalSeconds;
        // Let the minimum creep up (1 % per sample) so a path that got slower is noticed.
        _minLatency = double.IsNaN(_minLatency) ? latency : Math.Min(latency, _minLatency * 1.01);
        AverageBlockSize += Alpha * (bytes - AverageBlockSize);
        if (_busySince >= 0 && _pipelined)
        {
            var interval = Math.Max(MinInterval, time.GetElapsedTime(_busySince, now).TotalSeconds);
            if (HasSample)
            {
                _bytesPerSample += Alpha * (bytes - _bytesPerSample);
                _secondsPerSample += Alpha * (interval - _secondsPerSample);
            }
            else
            {
                (_bytesPerSample, _secondsPerSample) = (bytes, interval);
            }
            BytesPerSecond = _bytesPerSample / _secondsPerSample;
            HasSample = true;
        }
        _busySince = stillBusy ? now : -1;
        _pipelined = stillBusy;
    }

    /// <summary>The peer has nothing outstanding any more (its requests were cancelled or reassigned).</summary>
    public void OnIdle() => _busySince = -1;
}
