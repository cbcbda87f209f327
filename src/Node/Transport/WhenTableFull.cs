namespace P2P.Node.Transport;

/// <summary>What a full <see cref="TokenBucketTable{TKey}"/> does with a key it does not hold.</summary>
public enum WhenTableFull
{
    /// <summary>
    /// Evict the least recently used bucket. The evicted key starts again from a full bucket, so this suits limits
    /// where a reset costs little (DHT requests: every permit still needs the per-address bucket).
    /// </summary>
    EvictLeastRecent,

    /// <summary>
    /// Evict the least recently used bucket only when it has been idle long enough to refill (so forgetting it
    /// gives nothing away); otherwise refuse the new key. A flood of spoofed sources then cannot reset the buckets
    /// of real ones (connection attempts).
    /// </summary>
    RefuseUntilIdle,
}
