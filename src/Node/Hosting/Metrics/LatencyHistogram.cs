using System.Diagnostics;

namespace P2P.Node.Hosting.Metrics;

/// <summary>
/// A cumulative histogram of durations in seconds, as Prometheus models one: a count per upper bound ("le"), the
/// total count and the sum. Lock-free: each observation is three atomic adds, so the lookup path never waits on a
/// scrape. The bounds cover a loopback lookup (a few ms) to a lookup that ran into its timeouts (seconds).
/// </summary>
public sealed class LatencyHistogram
{
    private static readonly double[] DefaultBounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts;
    private long _count;
    private long _sumMicroseconds;

    public LatencyHistogram(IReadOnlyList<double>? bounds = null)
    {
        Bounds = (bounds ?? DefaultBounds).ToArray();
        for (var i = 1; i < Bounds.Count; i++)
        {
            if (Bounds[i] <= Bounds[i - 1])
                throw new ArgumentException("histogram bounds must increase", nameof(bounds));
        }
        _counts = new long[Bounds.Count];
    }

    /// <summary>Upper bounds in seconds, increasing; +Inf is implied.</summary>
    public IReadOnlyList<double> Bounds { get; }

    public long Count => Interlocked.Read(ref _count);

    public double SumSeconds => Interlocked.Read(ref _sumMicroseconds) / 1e6;

    public void Observe(TimeSpan duration)
    {
        var seconds = Math.Max(0, duration.TotalSeconds);
        for (var i = 0; i < Bounds.Count; i++)
        {
            if (seconds <= Bounds[i])
            {
                Interlocked.Increment(ref _counts[i]);
                break;
            }
        }
        Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1e6));
        Interlocked.Increment(ref _count);
    }

    /// <summary>Times <paramref name="operation"/> and records it, whether it succeeds or throws.</summary>
    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await operation();
        }
        finally
        {
            Observe(Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Cumulative counts per bound (the Prometheus "le" buckets), without the +Inf bucket (that is <see cref="Count"/>).</summary>
    public long[] CumulativeCounts()
    {
        var result = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            result[i] = running;
        }
        return result;
    }
}
