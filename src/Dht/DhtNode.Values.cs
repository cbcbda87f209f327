using P2P.Dht.Lookups;
using P2P.Dht.Network;
using P2P.Dht.Values;

namespace P2P.Dht;

/// <summary>
/// Signed, validated values (libp2p PUT_VALUE / GET_VALUE, as go-libp2p-kad-dht's routing.go): a value is stored on
/// the k nodes closest to SHA-256 of its key, every value is checked by its namespace's validator
/// (<see cref="DhtOptions.Validators"/>) wherever it is stored or read, and a reader keeps the newest.
/// </summary>
public sealed partial class DhtNode
{
    /// <summary>Reads the value store under the node's lock (for tests and statistics).</summary>
    public T InspectValues<T>(Func<ValueStore, T> read)
    {
        lock (_gate) return read(_values);
    }

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> here and on the k nodes closest to SHA-256 of the
    /// key, in parallel. Throws <see cref="ArgumentException"/> when the key has no validator, the value is invalid,
    /// or this node holds a newer value for the key (kubo: "can't replace a newer value with an older value").
    /// </summary>
    public async Task<PublishResult> PutValueAsync(byte[] key, byte[] value, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckValueKey(key);
        if (value.Length == 0 || value.Length > Options.MaxValueSize)
            throw new ArgumentException($"a value is 1..{Options.MaxValueSize} bytes", nameof(value));
        if (!Options.Validators.Validate(key, value, out var reason))
            throw new ArgumentException($"invalid value: {reason}", nameof(value));
        ValuePut local;
        lock (_gate) local = _values.Put(key, value, Self.Id, NowTicks);
        if (local.Refusal == ValueRefusal.NotNewer)
            throw new ArgumentException("can't replace a newer value with an older value", nameof(value));
        // Other local refusals (this node's caps) do not stop the publication: the k closest hold the record.
        var started = Time.GetTimestamp();
        var target = Key.Hash(key);
        var lookup = await IterativeLookup.FindNodeAsync(this, target, SeedsFor(target), ct, ValuePaths);
        var puts = new Task<bool>[lookup.Closest.Count];
        for (var i = 0; i < puts.Length; i++) puts[i] = PutValueToAsync(lookup.Closest[i], key, value, ct);
        var stored = (await Task.WhenAll(puts)).Count(static ok => ok);
        return new PublishResult(lookup, puts.Length, stored, Time.GetElapsedTime(started));
    }

    /// <summary>
    /// The newest valid value for <paramref name="key"/>: the local copy first, then an iterative GET_VALUE lookup that
    /// returns as soon as <paramref name="quorum"/> (default <see cref="DhtOptions.ValueQuorum"/>) answers, the closest
    /// to the key that answered, agree on the newest value (the rule is in IterativeLookup.Values.cs; without such
    /// agreement it runs to the usual termination). The nodes that answered with an older value, or without one
    /// among the k closest, are then sent the newest in the background (<see cref="GetValueResult.FixUp"/>).
    /// Throws <see cref="ArgumentException"/> for a key without a validator.
    /// </summary>
    public async Task<GetValueResult> GetValueAsync(byte[] key, CancellationToken ct, int? quorum = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckValueKey(key);
        var q = quorum ?? Options.ValueQuorum;
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 1, nameof(quorum));
        byte[]? local;
        lock (_gate) local = _values.Get(key, NowTicks);
        if (local is not null && q == 1)
            return new GetValueResult(local, 1, null, 0, Task.FromResult(0));
        var target = Key.Hash(key);
        var outcome = await IterativeLookup.GetValueAsync(this, key, local, q, SeedsFor(target), ct);
        if (outcome.Value is { } best && local is not null && !local.AsSpan().SequenceEqual(best))
        {
            // Our own copy was older: the node fixes itself up as it fixes the others.
            lock (_gate) _values.Put(key, best, Self.Id, NowTicks);
        }
        var fixUp = outcome.Value is { } value && outcome.Outdated.Count > 0
            ? FixUpAsync(outcome.Outdated, key, value)
            : Task.FromResult(0);
        return new GetValueResult(outcome.Value, outcome.Agreed, outcome.Lookup, outcome.InvalidAnswers, fixUp);
    }

    public ValueReply HandleGetValue(Contact sender, ReadOnlyMemory<byte> key)
    {
        if (_disposed || key.Length < 3 || key.Length > Options.MaxValueKeyLength) return ValueReply.Empty;
        NoteInbound(sender);
        lock (_gate) return new ValueReply(_values.Get(key.Span, NowTicks), ClosestExcluding(Key.Hash(key.Span), sender.Id));
    }

    public bool HandlePutValue(Contact sender, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value)
    {
        if (_disposed) return false;
        NoteInbound(sender);
        // The validator runs under the lock (a signature check, tens of µs); the transport rate-limits PUT_VALUE per peer.
        lock (_gate) return _values.Put(key.Span, value.Span, sender.Id, NowTicks).Stored;
    }

    private async Task<int> FixUpAsync(IReadOnlyList<Contact> outdated, byte[] key, byte[] value)
    {
        var puts = new Task<bool>[outdated.Count];
        for (var i = 0; i < puts.Length; i++) puts[i] = PutValueToAsync(outdated[i], key, value, CancellationToken.None);
        return (await Task.WhenAll(puts)).Count(static ok => ok);
    }

    private async Task<bool> PutValueToAsync(Contact to, byte[] key, byte[] value, CancellationToken ct)
    {
        var ack = await Retransmitter.SendAsync(
            Time, _rtt.SlowAfter, Options.RequestTimeout, Options.Retransmit,
            async t => await Network.PutValueAsync(to, key, value, t) ? to : null, onSlow: null, ct);
        return ack is not null;
    }

    /// <summary>Disjoint paths of value lookups, PUT and GET alike (see <see cref="DhtOptions.ValueDisjointPaths"/>).</summary>
    private int ValuePaths => Math.Min(Options.K, Math.Max(Options.DisjointPaths, Options.ValueDisjointPaths));

    private void CheckValueKey(byte[] key)
    {
        if (key.Length < 3 || key.Length > Options.MaxValueKeyLength)
            throw new ArgumentException($"a value key is 3..{Options.MaxValueKeyLength} bytes", nameof(key));
        if (Options.Validators.For(key) is null)
            throw new ArgumentException(
                ValidatorRegistry.NamespaceOf(key) is { } ns ? $"no validator for namespace '{ns}'" : "a value key is /namespace/...", nameof(key));
    }
}
