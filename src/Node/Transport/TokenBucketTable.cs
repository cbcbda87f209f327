namespace P2P.Node.Transport;

/// <summary>
/// Token buckets by key, at most <c>capacity</c> of them, on an injected clock: the one token-bucket table of the
/// node (connection attempts per address here in the transport, DHT requests per peer and per address in the DHT
/// binding). Each bucket holds up to <c>burst</c> tokens and refills at <c>perSecond</c>; the clock is a
/// <see cref="TimeProvider"/> so tests drive it with a fake one (System.Threading.RateLimiting's token bucket reads
/// the stopwatch). A full table either evicts its least recently used bucket or refuses new keys, as
/// <see cref="WhenTableFull"/> says, so a storm of distinct sources costs a fixed amount of memory.
/// Not thread-safe: the owner locks.
/// </summary>
internal sealed class TokenBucketTable<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Bucket>> _buckets = [];

    /// <summary>Most recently used first (so also by stamp, newest first: every use restamps the bucket).</summary>
    private readonly LinkedList<Bucket> _order = new();

    private readonly double _perSecond;
    private readonly double _burst;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly WhenTableFull _whenFull;

    /// <summary>How long an untouched bucket takes to refill from empty: idle that long, it is as good as new.</summary>
    private readonly TimeSpan _refillTime;

    public TokenBucketTable(double perSecond, double burst, int capacity, TimeProvider time, WhenTableFull whenFull = WhenTableFull.EvictLeastRecent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _perSecond = perSecond;
        _burst = burst;
        _capacity = capacity;
        _time = time;
        _whenFull = whenFull;
        _refillTime = TimeSpan.FromSeconds(burst / perSecond);
    }

    public int Count => _buckets.Count;

    /// <summary>Tokens <paramref name="key"/> has now (a burst's worth for a key not in the table).</summary>
    public double Available(TKey key, long now) =>
        _buckets.TryGetValue(key, out var node) ? Refilled(node.Value, now) : _burst;

    /// <summary>
    /// Takes one token from <paramref name="key"/>'s bucket when it has one; otherwise records the refused attempt
    /// (see <see cref="Touch"/>). False when the bucket is empty or the table is full and may not evict.
    /// </summary>
    public bool TryTake(TKey key, long now)
    {
        if (Available(key, now) < 1)
        {
            Touch(key, now);
            return false;
        }
        return Take(key, now);
    }

    /// <summary>
    /// Takes one token from <paramref name="key"/>'s bucket, which the caller checked has one. False only when
    /// <paramref name="key"/> is new and the table is full with nothing it may evict.
    /// </summary>
    public bool Take(TKey key, long now)
    {
        if (_buckets.TryGetValue(key, out var node))
        {
            _order.Remove(node);
        }
        else
        {
            if (_buckets.Count >= _capacity && !EvictOne(now))
                return false;
            node = new LinkedListNode<Bucket>(new Bucket(key) { Tokens = _burst, Stamp = now });
            _buckets[key] = node;
        }
        node.Value.Tokens = Refilled(node.Value, now) - 1;
        node.Value.Stamp = now;
        _order.AddFirst(node);
        return true;
    }

    /// <summary>Records a refused attempt: the bucket counts as used (it stays in the table), but keeps its tokens.</summary>
    public void Touch(TKey key, long now)
    {
        if (_buckets.TryGetValue(key, out var node))
        {
            node.Value.Tokens = Refilled(node.Value, now);
            node.Value.Stamp = now;
            _order.Remove(node);
            _order.AddFirst(node);
        }
    }

    private bool EvictOne(long now)
    {
        if (_order.Last is not { } oldest)
            return false;
        if (_whenFull == WhenTableFull.RefuseUntilIdle && _time.GetElapsedTime(oldest.Value.Stamp, now) < _refillTime)
            return false;
        _order.RemoveLast();
        _buckets.Remove(oldest.Value.Key);
        return true;
    }

    private double Refilled(Bucket bucket, long now) =>
        Math.Min(_burst, bucket.Tokens + _time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * _perSecond);

    private sealed class Bucket(TKey key)
    {
        public TKey Key { get; } = key;

        public double Tokens { get; set; }

        public long Stamp { get; set; }
    }
}
