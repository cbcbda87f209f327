namespace P2P.Node.DhtBinding;

/// <summary>
/// Token buckets by key, at most <c>capacity</c> of them, on an injected clock. When the table is full a new key
/// evicts the least recently used bucket, so a storm of distinct sources costs a fixed amount of memory; the
/// evicted source starts again from a full bucket, which costs it nothing it could not get from an idle one.
/// Not thread-safe: the owner locks.
/// </summary>
internal sealed class TokenBucketTable<TKey>(double perSecond, double burst, int capacity, TimeProvider time)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<Bucket>> _buckets = [];

    /// <summary>Most recently used first.</summary>
    private readonly LinkedList<Bucket> _order = new();

    public int Count => _buckets.Count;

    /// <summary>Tokens <paramref name="key"/> has now (a burst's worth for a key not in the table).</summary>
    public double Available(TKey key, long now) =>
        _buckets.TryGetValue(key, out var node) ? Refilled(node.Value, now) : burst;

    /// <summary>Takes one token from <paramref name="key"/>'s bucket, which the caller checked has one.</summary>
    public void Take(TKey key, long now)
    {
        if (_buckets.TryGetValue(key, out var node))
        {
            _order.Remove(node);
        }
        else
        {
            if (_buckets.Count >= capacity && _order.Last is { } oldest)
            {
                _order.RemoveLast();
                _buckets.Remove(oldest.Value.Key);
            }
            node = new LinkedListNode<Bucket>(new Bucket(key) { Tokens = burst, Stamp = now });
            _buckets[key] = node;
        }
        node.Value.Tokens = Refilled(node.Value, now) - 1;
        node.Value.Stamp = now;
        _order.AddFirst(node);
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

    private double Refilled(Bucket bucket, long now) =>
        Math.Min(burst, bucket.Tokens + time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * perSecond);

    private sealed class Bucket(TKey key)
    {
        public TKey Key { get; } = key;

        public double Tokens { get; set; }

        public long Stamp { get; set; }
    }
}
