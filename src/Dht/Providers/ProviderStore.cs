namespace P2P.Dht.Providers;

/// <summary>
/// Provider records this node stores for others: content key → providers, each valid for the TTL from
/// its last announcement (libp2p: 48 h). A record is visible while now &lt; added + TTL, so it expires
/// exactly at its TTL whatever the maintenance period; <see cref="Expire"/> only reclaims memory.
/// Bounded per key, per announcing peer and in total. Not thread-safe: <see cref="DhtNode"/> locks.
/// </summary>
public sealed class ProviderStore
{
    /// <summary>Records by content key.</summary>
    private readonly Dictionary<Key, List<ProviderEntry>> _records = [];
    /// <summary>Number of keys each provider holds records for.</summary>
    private readonly Dictionary<Key, int> _perPeer = [];
    private readonly long _ttlTicks;
    private readonly int _maxPerKey;
    private readonly int _maxPerPeer;
    private readonly int _maxRecords;

    public ProviderStore(DhtOptions options)
    {
        options.Validate();
        _ttlTicks = options.ProviderTtl.Ticks;
        _maxPerKey = options.MaxProvidersPerKey;
        _maxPerPeer = options.MaxRecordsPerPeer;
        _maxRecords = options.MaxRecords;
    }

    /// <summary>Stored records (expired ones not yet reclaimed included).</summary>
    public int Count { get; private set; }

    /// <summary>Keys with at least one stored record.</summary>
    public int KeyCount => _records.Count;

    /// <summary>
    /// Stores or renews <paramref name="provider"/> for <paramref name="contentKey"/>, valid until
    /// now + TTL. False when a cap refuses it. When a key is full the record closest to expiry goes.
    /// </summary>
    public bool Add(Key contentKey, Contact provider, long nowTicks)
    {
        var expires = nowTicks + _ttlTicks;
        if (_records.TryGetValue(contentKey, out var list))
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Provider.Id != provider.Id) continue;
                list[i] = new ProviderEntry(provider, expires);
                return true;
            }
        }
        if (Count >= _maxRecords) return false;
        if (_perPeer.GetValueOrDefault(provider.Id) >= _maxPerPeer) return false;
        if (list is null)
        {
            list = [];
            _records[contentKey] = list;
        }
        else if (list.Count >= _maxPerKey)
        {
            var soonest = 0;
            for (var i = 1; i < list.Count; i++)
                if (list[i].ExpiresTicks < list[soonest].ExpiresTicks) soonest = i;
            RemoveAt(list, soonest);
        }
        list.Add(new ProviderEntry(provider, expires));
        _perPeer[provider.Id] = _perPeer.GetValueOrDefault(provider.Id) + 1;
        Count++;
        return true;
    }

    /// <summary>Unexpired providers of <paramref name="contentKey"/>, at most <paramref name="max"/>.</summary>
    public List<Contact> Get(Key contentKey, long nowTicks, int max)
    {
        var result = new List<Contact>();
        if (!_records.TryGetValue(contentKey, out var list)) return result;
        foreach (var entry in list)
        {
            if (result.Count >= max) break;
            if (entry.ExpiresTicks > nowTicks) result.Add(entry.Provider);
        }
        return result;
    }

    /// <summary>When the record of <paramref name="provider"/> for the key expires, or null.</summary>
    public long? ExpiresAt(Key contentKey, Key provider)
    {
        if (!_records.TryGetValue(contentKey, out var list)) return null;
        foreach (var entry in list)
            if (entry.Provider.Id == provider) return entry.ExpiresTicks;
        return null;
    }

    /// <summary>Drops every record expired at <paramref name="nowTicks"/>; returns how many.</summary>
    public int Expire(long nowTicks)
    {
        var removed = 0;
        List<Key>? emptied = null;
        foreach (var (key, list) in _records)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i].ExpiresTicks > nowTicks) continue;
                RemoveAt(list, i);
                removed++;
            }
            if (list.Count == 0) (emptied ??= []).Add(key);
        }
        if (emptied is not null)
            foreach (var key in emptied) _records.Remove(key);
        return removed;
    }

    private void RemoveAt(List<ProviderEntry> list, int index)
    {
        var id = list[index].Provider.Id;
        list.RemoveAt(index);
        Count--;
        var left = _perPeer[id] - 1;
        if (left == 0) _perPeer.Remove(id);
        else _perPeer[id] = left;
    }

    private readonly record struct ProviderEntry(Contact Provider, long ExpiresTicks);
}
