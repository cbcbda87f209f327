namespace P2P.Node.Hosting.Metrics;

/// <summary>Bytes received and sent since start, and the current rates in bytes per second (kubo's stats/bw fields).</summary>
public sealed record BandwidthSnapshot(long TotalIn, long TotalOut, double RateIn, double RateOut);
