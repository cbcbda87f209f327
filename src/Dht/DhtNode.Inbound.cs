using P2P.Dht.Lookups;
using P2P.Dht.Network;

namespace P2P.Dht;

/// <summary>
/// Inbound requests and the routing-table rule: a contact enters the table only after it answered a
/// request of ours. A stranger that sends us a request is pinged first (when its bucket has room), so a
/// node behind a NAT, or one that cannot answer, never lands in anyone's table.
/// </summary>
public sealed partial class DhtNode
{
    /// <summary>Most strangers being verified at once (bounds the pings inbound traffic can trigger).</summary>
    private const int MaxPendingVerifications = 64;

    /// <summary>Strangers being pinged, and entries pinged before eviction. Guarded by _gate.</summary>
    private readonly HashSet<Key> _pendingPings = [];

    public bool HandlePing(Contact sender)
    {
        if (_disposed) return false;
        NoteInbound(sender);
        return true;
    }

    public IReadOnlyList<Contact> HandleFindNode(Contact sender, Key target)
    {
        if (_disposed) return [];
        NoteInbound(sender);
        lock (_gate) return ClosestExcluding(target, sender.Id);
    }

    public ProvidersReply HandleGetProviders(Contact sender, ReadOnlyMemory<byte> multihash)
    {
        if (_disposed || multihash.Length < 2 || multihash.Length > Options.MaxMultihashLength) return ProvidersReply.Empty;
        NoteInbound(sender);
        var key = Key.Hash(multihash.Span);
        lock (_gate)
        {
            var providers = _store.Get(key, NowTicks, Options.K);
            // A node that provides the key names itself, as kubo's nodes do: the asker then finds it even when
            // every ADD_PROVIDER it sent was lost. The asker replaces the address with the one it reached us on.
            if (_provided.ContainsKey(Convert.ToBase64String(multihash.Span)) && !providers.Exists(p => p.Id == Self.Id))
            {
                if (providers.Count >= Options.K) providers.RemoveAt(providers.Count - 1);
                providers.Insert(0, Self);
            }
            return new ProvidersReply(providers, ClosestExcluding(key, sender.Id));
        }
    }

    public bool HandleAddProvider(Contact sender, ReadOnlyMemory<byte> multihash)
    {
        if (_disposed || multihash.Length < 2 || multihash.Length > Options.MaxMultihashLength) return false;
        NoteInbound(sender);
        var key = Key.Hash(multihash.Span);
        lock (_gate) return _store.Add(key, sender, NowTicks);
    }

    void ILookupHost.OnRequestOutcome(Contact contact, bool answered, TimeSpan? roundTrip)
    {
        if (answered)
        {
            if (roundTrip is { } sample) _rtt.Add(sample);
            RecordAnswer(contact);
        }
        else
        {
            // One failure evicts when the replacement cache holds a contact that answered recently (it takes
            // the slot at once); with none waiting the contact stays until DhtOptions.MaxFailures in a row
            // (Kademlia section 4.1), so a live peer on a lossy path is not lost for one late answer.
            lock (_gate) _table.RecordFailure(contact.Id);
            TableChanged.Pulse();
        }
    }

    /// <summary>Pings <paramref name="contact"/>; it enters (or refreshes) the table if it answers, leaves it if not.</summary>
    private async Task<bool> PingAndRecordAsync(Contact contact, CancellationToken ct)
    {
        var pong = await Retransmitter.SendAsync(
            Time, _rtt.SlowAfter, Options.RequestTimeout, Options.Retransmit,
            async t => await Network.PingAsync(contact, t) ? contact : null, onSlow: null, ct);
        var ok = pong is not null;
        if (ok) RecordAnswer(contact);
        else
        {
            lock (_gate) _table.RecordFailure(contact.Id);
            TableChanged.Pulse();
        }
        return ok;
    }

    private void RecordAnswer(Contact contact)
    {
        if (_disposed) return;
        Contact? toPing;
        lock (_gate)
        {
            var result = _table.TryAdd(contact, NowTicks);
            toPing = result.PingOldest;
            if (toPing is not null && !_pendingPings.Add(toPing.Id)) toPing = null;
        }
        TableChanged.Pulse();
        if (toPing is not null) _ = VerifyAsync(toPing);
    }

    private void NoteInbound(Contact sender)
    {
        if (sender.Id == Self.Id) return;
        if (sender.IsClient)
        {
            // A client cannot be dialled: it must not be handed to others as a contact, even if it was a server before.
            lock (_gate) _table.Remove(sender.Id);
            return;
        }
        lock (_gate)
        {
            if (_table.MarkSeen(sender.Id, NowTicks)) return;
            if (!_table.HasRoomFor(sender.Id)) return;
            if (_pendingPings.Count >= MaxPendingVerifications || !_pendingPings.Add(sender.Id)) return;
        }
        _ = VerifyAsync(sender);
    }

    private async Task VerifyAsync(Contact contact)
    {
        try
        {
            await PingAndRecordAsync(contact, CancellationToken.None);
        }
        finally
        {
            lock (_gate) _pendingPings.Remove(contact.Id);
        }
    }

    /// <summary>The k closest known to <paramref name="target"/>, leaving out the asker. Caller holds _gate.</summary>
    private List<Contact> ClosestExcluding(Key target, Key asker)
    {
        var closest = _table.Closest(target, Options.K + 1);
        var index = closest.FindIndex(c => c.Id == asker);
        if (index >= 0) closest.RemoveAt(index);
        else if (closest.Count > Options.K) closest.RemoveAt(closest.Count - 1);
        return closest;
    }
}
