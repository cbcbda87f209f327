namespace P2P.Dht.Values;

/// <summary>
/// Values this node holds for others (libp2p PUT_VALUE records), keyed by the value key's Kademlia key. Every value
/// passes its namespace's validator before it is stored and again when it is read (a record can expire on its own
/// terms, as an IPNS record past its validity does); a stored value is replaced only by one the validator ranks
/// newer (the same bytes again renew it); a value is visible for <see cref="DhtOptions.ValueMaxAge"/> after it was
/// last received (go-libp2p-kad-dht's 48 h maxRecordAge). Bounded in count, bytes, and count per sender; every
/// refusal is counted by reason. Not thread-safe: the owning <see cref="DhtNode"/> calls it under its lock.
/// </summary>
public sealed class ValueStore
{
    private readonly DhtOptions _options;
    private readonly Dictionary<Key, Entry> _entries = [];
    private readonly Dictionary<Key, int> _perSender = [];
    private readonly long[] _refusals = new long[Enum.GetValues<ValueRefusal>().Length];

    public ValueStore(DhtOptions options) => _options = options;

    /// <summary>Values held (expired ones included until <see cref="Expire"/> reclaims them).</summary>
    public int Count => _entries.Count;

    /// <summary>Key and value bytes held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Refusals so far, by reason.</summary>
    public IReadOnlyDictionary<ValueRefusal, long> Refusals =>
        Enum.GetValues<ValueRefusal>().ToDictionary(static r => r, r => _refusals[(int)r]);

    /// <summary>Refusals of one reason so far.</summary>
    public long RefusalCount(ValueRefusal reason) => _refusals[(int)reason];

    /// <summary>Values stored by <paramref name="sender"/> and held now.</summary>
    public int HeldFor(Key sender) => _perSender.GetValueOrDefault(sender);

    /// <summary>Validates and stores <paramref name="value"/> under <paramref name="key"/> for <paramref name="sender"/>.</summary>
    public ValuePut Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Key sender, long nowTicks)
    {
        if (key.Length == 0 || key.Length > _options.MaxValueKeyLength)
            return Refuse(ValueRefusal.KeyTooLong, $"key of {key.Length} bytes, allowed 1..{_options.MaxValueKeyLength}");
        if (value.Length == 0 || value.Length > _options.MaxValueSize)
            return Refuse(ValueRefusal.ValueTooLarge, $"value of {value.Length} bytes, allowed 1..{_options.MaxValueSize}");
        if (_options.Validators.For(key) is not { } validator)
            return Refuse(ValueRefusal.UnknownNamespace, "no validator for the key's namespace");
        if (!validator.Validate(key, value, out var reason))
            return Refuse(ValueRefusal.Invalid, reason);
        var id = Key.Hash(key);
        if (_entries.TryGetValue(id, out var held) && !Live(held, nowTicks))
        {
            RemoveEntry(id, held);
            held = null;
        }
        if (held is not null)
        {
            if (value.SequenceEqual(held.Value))
            {
                // The same record again (a republish): it lives on from now, still counted against its first sender.
                held.Received = nowTicks;
                return ValuePut.Accepted;
            }
            if (validator.Compare(key, value, held.Value) <= 0)
                return Refuse(ValueRefusal.NotNewer, "the value held is as new or newer");
        }
        var extraBytes = (long)key.Length + value.Length - (held is null ? 0 : held.Size);
        var senderChanges = held is null || held.Sender != sender;
        if (senderChanges && _perSender.GetValueOrDefault(sender) >= _options.MaxValuesPerPeer)
            return Refuse(ValueRefusal.SenderFull, $"sender holds {_options.MaxValuesPerPeer} values here already");
        if ((held is null && _entries.Count >= _options.MaxValues) || Bytes + extraBytes > _options.MaxValueBytes)
        {
            // Reclaim the dead before refusing: an expired entry must not keep a live one out.
            Expire(nowTicks);
            if ((held is null && _entries.Count >= _options.MaxValues) || Bytes + extraBytes > _options.MaxValueBytes)
                return Refuse(ValueRefusal.StoreFull, "value store full");
        }
        if (held is not null) RemoveEntry(id, held);
        var entry = new Entry(key.ToArray(), value.ToArray(), sender) { Received = nowTicks };
        _entries[id] = entry;
        Bytes += entry.Size;
        _perSender[sender] = _perSender.GetValueOrDefault(sender) + 1;
        return ValuePut.Accepted;
    }

    /// <summary>
    /// The value held for <paramref name="key"/> if it is younger than the maximum age and still valid; a value
    /// its validator now refuses is dropped.
    /// </summary>
    public byte[]? Get(ReadOnlySpan<byte> key, long nowTicks)
    {
        var id = Key.Hash(key);
        if (!_entries.TryGetValue(id, out var held) || !key.SequenceEqual(held.Key)) return null;
        if (!Live(held, nowTicks) || !_options.Validators.Validate(key, held.Value, out _))
        {
            RemoveEntry(id, held);
            return null;
        }
        return held.Value;
    }

    /// <summary>Drops the value held for <paramref name="key"/>; true when there was one.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        var id = Key.Hash(key);
        if (!_entries.TryGetValue(id, out var held)) return false;
        RemoveEntry(id, held);
        return true;
    }

    /// <summary>Reclaims the memory of values past their maximum age; returns how many.</summary>
    public int Expire(long nowTicks)
    {
        List<Key>? dead = null;
        foreach (var (id, entry) in _entries)
            if (!Live(entry, nowTicks)) (dead ??= []).Add(id);
        if (dead is null) return 0;
        foreach (var id in dead) RemoveEntry(id, _entries[id]);
        return dead.Count;
    }

    private bool Live(Entry entry, long nowTicks) => nowTicks < entry.Received + _options.ValueMaxAge.Ticks;

    private void RemoveEntry(Key id, Entry entry)
    {
        _entries.Remove(id);
        Bytes -= entry.Size;
        var left = _perSender[entry.Sender] - 1;
        if (left == 0) _perSender.Remove(entry.Sender);
        else _perSender[entry.Sender] = left;
    }

    private ValuePut Refuse(ValueRefusal refusal, string reason)
    {
        _refusals[(int)refusal]++;
        return ValuePut.Refused(refusal, reason);
    }

    private sealed class Entry(byte[] key, byte[] value, Key sender)
    {
        public byte[] Key { get; } = key;

        public byte[] Value { get; } = value;

        /// <summary>The node that stored it (its count against <see cref="DhtOptions.MaxValuesPerPeer"/>).</summary>
        public Key Sender { get; } = sender;

        /// <summary>When it was last received (stored or renewed), in UTC ticks.</summary>
        public long Received { get; set; }

        public long Size => (long)Key.Length + Value.Length;
    }
}
