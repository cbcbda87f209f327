using System.Net;

namespace P2P.Node.Transport;

/// <summary>
/// A token bucket per remote address for connection attempts. The table is capped: when full, buckets idle for a
/// second or more are evicted, and if none is, new addresses are refused (a flood of spoofed sources cannot grow it).
/// Thread-safe (one lock; called once per connection request).
/// </summary>
internal sealed class ConnectionRateLimiter(int perSecond, TimeProvider time, int maxAddresses = 4096)
{
    /// <summary>Guards <see cref="_buckets"/>.</summary>
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, (double Tokens, long Stamp)> _buckets = [];

    public bool TryAcquire(IPAddress address)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (!_buckets.TryGetValue(address, out var bucket))
            {
                if (_buckets.Count >= maxAddresses && !EvictIdle(now))
                    return false;
                bucket = (perSecond, now);
            }
            var elapsed = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds;
            var tokens = Math.Min(perSecond, bucket.Tokens + elapsed * perSecond);
            if (tokens < 1)
            {
                _buckets[address] = (tokens, now);
                return false;
            }
            _buckets[address] = (tokens - 1, now);
            return true;
        }
    }

    private bool EvictIdle(long now)
    {
        var idle = _buckets.Where(kv => time.GetElapsedTime(kv.Value.Stamp, now) >= TimeSpan.FromSeconds(1)).Select(kv => kv.Key).ToList();
        foreach (var address in idle)
            _buckets.Remove(address);
        return idle.Count > 0;
    }
}
