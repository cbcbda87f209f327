using System.Threading.RateLimiting;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The node-wide upload cap for served blocks: a token bucket counted in bytes. Kept in a class of its own so the
/// node's one shared token bucket can replace it without touching the serve queue; until then it runs on the
/// runtime's rate limiter, which refills on the wall clock (not the injected TimeProvider).
/// </summary>
internal sealed class UploadLimiter : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket;

    public UploadLimiter(long bytesPerSecond)
    {
        // Refill every 10 ms; the bucket holds a tenth of a second of upload, and at least one largest block so
        // any block can be sent (a permit request above the bucket size would never be granted).
        var perPeriod = (int)Math.Clamp(bytesPerSecond / 100, 1, int.MaxValue);
        var limit = (int)Math.Clamp(Math.Max(bytesPerSecond / 10, WireLimits.MaxAnyMessageSize), 1, int.MaxValue);
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(10),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits until <paramref name="bytes"/> may be sent; false when the wait was refused (shutdown).</summary>
    public async ValueTask<bool> AcquireAsync(int bytes, CancellationToken ct)
    {
        using var lease = await _bucket.AcquireAsync(bytes, ct);
        return lease.IsAcquired;
    }

    public void Dispose() => _bucket.Dispose();
}
