using System.Net;

namespace P2P.Node.Transport;

/// <summary>
/// A token bucket per remote address for connection attempts (burst = one second's worth), in the shared
/// <see cref="TokenBucketTable{TKey}"/>. The table is capped: when full, a bucket idle long enough to have refilled
/// is evicted, and if none is, new addresses are refused (a flood of spoofed sources cannot grow it or reset the
/// buckets of real ones). Thread-safe (one lock; called once per connection request).
/// </summary>
internal sealed class ConnectionRateLimiter(int perSecond, TimeProvider time, int maxAddresses = 4096)
{
    /// <summary>Guards <see cref="_buckets"/>.</summary>
    private readonly Lock _lock = new();
    private readonly TokenBucketTable<IPAddress> _buckets = new(perSecond, perSecond, maxAddresses, time, WhenTableFull.RefuseUntilIdle);

    public bool TryAcquire(IPAddress address)
    {
        var now = time.GetTimestamp();
        lock (_lock)
            return _buckets.TryTake(address, now);
    }
}
