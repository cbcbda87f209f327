using P2P.Node.Storage;

namespace P2P.Node.Hosting.Metrics;

/// <summary>
/// The repo's size and block count, refreshed at most once per <see cref="MaxAge"/>: a flatfs repo is measured by
/// walking its files, too slow to repeat on every scrape, and a few seconds of staleness is fine for a gauge.
/// </summary>
public sealed class RepoSizeGauge(Func<RepoStat> measure, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private RepoStat? _last;
    private DateTimeOffset _measuredAt;

    public RepoStat Current()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_last is null || now - _measuredAt >= MaxAge)
            {
                _last = measure();
                _measuredAt = now;
            }
            return _last;
        }
    }

    /// <summary>Forgets the last measure, so the next read measures again (after an add or a gc).</summary>
    public void Invalidate()
    {
        lock (_lock)
            _last = null;
    }
}
