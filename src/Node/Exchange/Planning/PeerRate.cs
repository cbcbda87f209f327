namespace P2P.Node.Exchange.Planning;

/// <summary>
/// A peer's measured delivery rate and latency at one moment (a value copied out of the peer's
/// bandwidth estimator), and the two numbers the planner derives from them: the request window and the expected
/// delivery time of a request queued behind others.
/// </summary>
internal readonly record struct PeerRate(bool HasSample, double BytesPerSecond, double AverageBlockSize, double MinLatencySeconds)
{
    /// <summary>Assumed rate of a peer not measured yet, so new peers get tried before known slow ones.</summary>
    public const double OptimisticBytesPerSecond = 50e6;

    /// <summary>A peer nothing has been measured of yet (256 KiB blocks assumed).</summary>
    public static PeerRate Unmeasured { get; } = new(false, 0, 256 * 1024, 0);

    /// <summary>
    /// Requests to keep outstanding: measured bandwidth × (RTT + slack) in blocks, clamped to the configured range
    /// (BitTorrent's request pipelining; Bitswap sizes by a fixed count).
    /// </summary>
    public int Window(ExchangeOptions options)
    {
        if (!HasSample)
            return Math.Clamp(options.InitialInFlightPerPeer, options.MinInFlightPerPeer, options.MaxInFlightPerPeer);
        var rtt = MinLatencySeconds + options.WindowSlack.TotalSeconds;
        var blocks = BytesPerSecond * rtt / Math.Max(1.0, AverageBlockSize);
        return (int)Math.Clamp(Math.Ceiling(blocks) + 1, options.MinInFlightPerPeer, options.MaxInFlightPerPeer);
    }

    /// <summary>Seconds until a request sent now would arrive, from the queue ahead of it and the measured rate.</summary>
    public double ExpectedSeconds(int queued)
    {
        var rate = HasSample ? BytesPerSecond : OptimisticBytesPerSecond;
        return queued * Math.Max(1.0, AverageBlockSize) / rate + MinLatencySeconds;
    }
}
