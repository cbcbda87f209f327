namespace P2P.Dht.Routing;

/// <summary>
/// Kademlia routing table: bucket i holds up to k contacts whose id shares exactly i leading bits with
/// <see cref="Self"/> (libp2p's flat layout of buckets by common prefix length, equivalent to the
/// paper's split tree for lookups). Buckets are created on demand, so a node in a network of N keeps
/// about log2(N / k) + 1 of them. Not thread-safe: the owner (<see cref="DhtNode"/>) holds a lock.
/// </summary>
public sealed class RoutingTable
{
    /// <summary>Buckets by common prefix length; index 0 is the farthest half of the key space.</summary>
    private readonly List<Bucket> _buckets = [];
    private readonly int _k;
    private readonly int _replacementCacheSize;
    private readonly int? _maxPerSubnet;
    private readonly long _evictionPingAfterTicks;
    private readonly int _maxFailures;

    public RoutingTable(Key self, DhtOptions options)
    {
        options.Validate();
        Self = self;
        _k = options.K;
        _replacementCacheSize = options.ReplacementCacheSize;
        _maxPerSubnet = options.MaxPerSubnetPerBucket;
        _evictionPingAfterTicks = options.EvictionPingAfter.Ticks;
        _maxFailures = options.MaxFailures;
    }

    /// <summary>The owner's id; it never appears in the table.</summary>
    public Key Self { get; }

    /// <summary>Bucket capacity.</summary>
    public int K => _k;

    /// <summary>Contacts in all buckets (replacement caches excluded).</summary>
    public int Count { get; private set; }

    /// <summary>Number of bucket slots created so far (highest common prefix length seen + 1).</summary>
    public int BucketCount => _buckets.Count;

    /// <summary>
    /// Records that <paramref name="contact"/> answered a request at <paramref name="nowTicks"/> (UTC ticks).
    /// Callers must only pass contacts that answered: that rule keeps unreachable and forged nodes out.
    /// </summary>
    public AddResult TryAdd(Contact contact, long nowTicks)
    {
        var cpl = Key.CommonPrefixLength(Self, contact.Id);
        if (cpl == Key.Bits) return new AddResult(AddOutcome.RejectedSelf);
        var bucket = GetOrCreate(cpl);
        var index = bucket.IndexOf(contact.Id);
        if (index >= 0)
        {
            bucket.Entries.RemoveAt(index);
            bucket.Entries.Add(new BucketEntry(contact, nowTicks));
            return new AddResult(AddOutcome.Updated);
        }
        if (!SubnetAllows(bucket, contact)) return new AddResult(AddOutcome.RejectedSubnet);
        if (bucket.Entries.Count < _k)
        {
            var cached = bucket.ReplacementIndexOf(contact.Id);
            if (cached >= 0) bucket.Replacements.RemoveAt(cached);
            bucket.Entries.Add(new BucketEntry(contact, nowTicks));
            Count++;
            return new AddResult(AddOutcome.Added);
        }
        Cache(bucket, contact, nowTicks);
        var oldest = bucket.Entries[0];
        var silent = nowTicks - oldest.LastSeenTicks >= _evictionPingAfterTicks;
        return new AddResult(AddOutcome.Cached, silent ? oldest.Contact : null);
    }

    /// <summary>Marks a present contact as just seen (it answered a ping); false if absent.</summary>
    public bool MarkSeen(Key id, long nowTicks)
    {
        var cpl = Key.CommonPrefixLength(Self, id);
        if (cpl >= _buckets.Count) return false;
        var bucket = _buckets[cpl];
        var index = bucket.IndexOf(id);
        if (index < 0) return false;
        var entry = bucket.Entries[index];
        bucket.Entries.RemoveAt(index);
        bucket.Entries.Add(entry with { LastSeenTicks = nowTicks, Failures = 0 });
        return true;
    }

    /// <summary>
    /// Records that <paramref name="id"/> left a request unanswered. It is removed at once when a replacement is
    /// waiting for its slot, otherwise only after <see cref="DhtOptions.MaxFailures"/> failures in a row (an answer
    /// resets the count). A cached replacement that failed is always dropped. True when the contact was removed.
    /// </summary>
    public bool RecordFailure(Key id)
    {
        var cpl = Key.CommonPrefixLength(Self, id);
        if (cpl >= _buckets.Count) return false;
        var bucket = _buckets[cpl];
        var index = bucket.IndexOf(id);
        if (index < 0 || HasReplacement(bucket, id)) return Remove(id);
        var entry = bucket.Entries[index];
        if (entry.Failures + 1 >= _maxFailures) return Remove(id);
        // Same position: a failure is not a sighting, so the least-recently-seen order stays as it was.
        bucket.Entries[index] = entry with { Failures = entry.Failures + 1 };
        return false;
    }

    /// <summary>True when the bucket caches a contact (other than <paramref name="leaving"/>) that could take a slot.</summary>
    private bool HasReplacement(Bucket bucket, Key leaving)
    {
        foreach (var candidate in bucket.Replacements)
        {
            if (candidate.Contact.Id != leaving && SubnetAllows(bucket, candidate.Contact)) return true;
        }
        return false;
    }

    /// <summary>
    /// Removes a contact that failed to answer and promotes the most recent replacement that still fits
    /// the subnet limit. Also drops it from the replacement cache. False if it was in neither.
    /// </summary>
    public bool Remove(Key id)
    {
        var cpl = Key.CommonPrefixLength(Self, id);
        if (cpl >= _buckets.Count) return false;
        var bucket = _buckets[cpl];
        var cached = bucket.ReplacementIndexOf(id);
        if (cached >= 0) bucket.Replacements.RemoveAt(cached);
        var index = bucket.IndexOf(id);
        if (index < 0) return cached >= 0;
        bucket.Entries.RemoveAt(index);
        Count--;
        for (var i = bucket.Replacements.Count - 1; i >= 0; i--)
        {
            var candidate = bucket.Replacements[i];
            if (!SubnetAllows(bucket, candidate.Contact)) continue;
            bucket.Replacements.RemoveAt(i);
            bucket.InsertBySeen(candidate);
            Count++;
            break;
        }
        return true;
    }

    /// <summary>True when the bucket <paramref name="id"/> falls in has a free slot (and it is not self).</summary>
    public bool HasRoomFor(Key id)
    {
        var cpl = Key.CommonPrefixLength(Self, id);
        if (cpl == Key.Bits) return false;
        return cpl >= _buckets.Count || _buckets[cpl].Entries.Count < _k;
    }

    /// <summary>True when the id is in a bucket.</summary>
    public bool Contains(Key id)
    {
        var cpl = Key.CommonPrefixLength(Self, id);
        return cpl < _buckets.Count && _buckets[cpl].IndexOf(id) >= 0;
    }

    /// <summary>
    /// Up to <paramref name="count"/> contacts closest to <paramref name="target"/>, closest first. Buckets
    /// are visited in distance order (bucket cpl(self, target), then every deeper bucket, then shallower
    /// ones one by one), so only the groups needed are sorted.
    /// </summary>
    public List<Contact> Closest(Key target, int count)
    {
        var result = new List<Contact>(Math.Min(count, Count));
        if (count <= 0 || Count == 0) return result;
        var comparer = new DistanceComparer(target);
        var cpl = Key.CommonPrefixLength(Self, target);
        if (cpl < _buckets.Count) AppendGroup(result, comparer, _buckets[cpl]);
        if (result.Count < count)
        {
            var start = result.Count;
            for (var j = cpl + 1; j < _buckets.Count; j++)
                foreach (var entry in _buckets[j].Entries) result.Add(entry.Contact);
            result.Sort(start, result.Count - start, comparer);
        }
        for (var j = Math.Min(cpl, _buckets.Count) - 1; j >= 0 && result.Count < count; j--)
            AppendGroup(result, comparer, _buckets[j]);
        if (result.Count > count) result.RemoveRange(count, result.Count - count);
        return result;
    }

    /// <summary>Contacts of bucket <paramref name="prefixLength"/>, least recently seen first.</summary>
    public IReadOnlyList<Contact> BucketContents(int prefixLength) =>
        prefixLength < _buckets.Count ? _buckets[prefixLength].Entries.ConvertAll(e => e.Contact) : [];

    /// <summary>Replacement cache of bucket <paramref name="prefixLength"/>, most recent last.</summary>
    public IReadOnlyList<Contact> ReplacementContents(int prefixLength) =>
        prefixLength < _buckets.Count ? _buckets[prefixLength].Replacements.ConvertAll(e => e.Contact) : [];

    /// <summary>When a contact was last seen, or null when absent.</summary>
    public long? LastSeen(Key id)
    {
        var cpl = Key.CommonPrefixLength(Self, id);
        if (cpl >= _buckets.Count) return null;
        var bucket = _buckets[cpl];
        var index = bucket.IndexOf(id);
        return index < 0 ? null : bucket.Entries[index].LastSeenTicks;
    }

    /// <summary>Every contact, bucket by bucket.</summary>
    public List<Contact> All()
    {
        var all = new List<Contact>(Count);
        foreach (var bucket in _buckets)
            foreach (var entry in bucket.Entries) all.Add(entry.Contact);
        return all;
    }

    /// <summary>Notes that a lookup for a key in bucket <paramref name="prefixLength"/> ran, deferring its refresh.</summary>
    public void MarkUsed(int prefixLength, long nowTicks)
    {
        // Buckets are created only by contacts, so a lookup near our own id cannot make refresh walk
        // hundreds of empty buckets.
        if (prefixLength < _buckets.Count) _buckets[prefixLength].LastUsedTicks = nowTicks;
    }

    /// <summary>When bucket <paramref name="prefixLength"/> was last used by a lookup (0 if never).</summary>
    public long LastUsed(int prefixLength) =>
        prefixLength < _buckets.Count ? _buckets[prefixLength].LastUsedTicks : 0;

    private Bucket GetOrCreate(int cpl)
    {
        while (_buckets.Count <= cpl) _buckets.Add(new Bucket());
        return _buckets[cpl];
    }

    private void Cache(Bucket bucket, Contact contact, long nowTicks)
    {
        if (_replacementCacheSize == 0) return;
        var index = bucket.ReplacementIndexOf(contact.Id);
        if (index >= 0) bucket.Replacements.RemoveAt(index);
        else if (bucket.Replacements.Count >= _replacementCacheSize) bucket.Replacements.RemoveAt(0);
        bucket.Replacements.Add(new BucketEntry(contact, nowTicks));
    }

    private bool SubnetAllows(Bucket bucket, Contact contact)
    {
        if (_maxPerSubnet is not { } limit) return true;
        if (Subnet.Of(contact.EndPoint) is not { } subnet) return true;
        var same = 0;
        foreach (var entry in bucket.Entries)
            if (Subnet.Of(entry.Contact.EndPoint) == subnet && ++same >= limit) return false;
        return true;
    }

    private static void AppendGroup(List<Contact> result, DistanceComparer comparer, Bucket bucket)
    {
        var start = result.Count;
        foreach (var entry in bucket.Entries) result.Add(entry.Contact);
        result.Sort(start, result.Count - start, comparer);
    }
}
