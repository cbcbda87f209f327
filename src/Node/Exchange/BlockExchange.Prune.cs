using P2P.Node.Transport;

namespace P2P.Node.Exchange;

/// <summary>
/// Forgetting peers that left. A new identity costs one Ed25519 key, so per-peer state must not outlive the peer
/// without bound: a disconnected peer's state joins a list (oldest first) and, once more than
/// <see cref="ExchangeOptions.MaxDisconnectedPeers"/> are listed, the oldest ones nothing needs any more are
/// forgotten. A state is needed while it has want-blocks outstanding, serve work queued or running, or is
/// referenced by an open session or a pending want: a session keeps its PeerState objects, and a peer that
/// reconnects must find the same object so the session picks it up again. Peers dropped for misbehaving sit in a
/// list of their own, emptied only after every other free state is gone, so a liar cannot wash its record by
/// reconnecting under a storm of throwaway identities. Node-wide counters are separate fields and lose nothing.
/// </summary>
public sealed partial class BlockExchange
{
    /// <summary>Disconnected peers in good standing, oldest departure first. Guarded by _gate.</summary>
    private readonly LinkedList<PeerState> _departed = new();

    /// <summary>Disconnected peers that were dropped (lied or stalled too often), oldest first. Guarded by _gate.</summary>
    private readonly LinkedList<PeerState> _departedDropped = new();

    /// <summary>When the scheduler last pruned (timestamp); it retries states that were busy at the disconnect. Guarded by _gate.</summary>
    private long _lastPrune;

    /// <summary>Peer states held now, connected and disconnected (tests).</summary>
    internal int PeerStateCount
    {
        get
        {
            lock (_gate)
                return _peers.Count;
        }
    }

    /// <summary>Disconnected peers whose state is still held (tests).</summary>
    internal int DisconnectedPeerStateCount
    {
        get
        {
            lock (_gate)
                return _departed.Count + _departedDropped.Count;
        }
    }

    private void OnPeerConnected(object? sender, SecurePeerEventArgs e)
    {
        // Only a peer we already know: its state follows the new connection at once, so it is not forgotten as
        // departed in the gap before its first message. Unknown peers get a state on first contact, as before.
        lock (_gate)
        {
            if (_peers.TryGetValue(e.Peer.PeerId, out var state) && !ReferenceEquals(state.Peer, e.Peer) && e.Peer.IsConnected)
            {
                state.Peer = e.Peer;
                MarkReturnedLocked(state);
            }
        }
        Signal();
    }

    private void OnPeerDisconnected(object? sender, SecurePeerEventArgs e)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(e.Peer.PeerId, out var state) && ReferenceEquals(state.Peer, e.Peer))
            {
                ReassignLocked(state);
                MarkDepartedLocked(state);
                PruneLocked();
            }
        }
        Signal();
    }

    /// <summary>
    /// The state the exchange holds for <paramref name="peer"/>'s PeerId. A state forgotten while a message from
    /// it was still queued (a block waiting for verification) is taken back, so what that message does (a drop
    /// for lying, a provider added to a session) is remembered; a newer state for the same peer wins. Caller holds _gate.
    /// </summary>
    private PeerState ResolveLocked(PeerState peer)
    {
        if (_peers.TryGetValue(peer.PeerId, out var current))
            return current;
        _peers.Add(peer.PeerId, peer);
        if (!peer.Peer.IsConnected)
            MarkDepartedLocked(peer);
        return peer;
    }

    /// <summary>Lists a disconnected peer's state for forgetting (once). Caller holds _gate.</summary>
    private void MarkDepartedLocked(PeerState peer)
    {
        peer.Departure ??= (peer.Dropped ? _departedDropped : _departed).AddLast(peer);
    }

    /// <summary>The peer is back: its state is no longer a candidate for forgetting. Caller holds _gate.</summary>
    private void MarkReturnedLocked(PeerState peer)
    {
        if (peer.Departure is { } node)
        {
            node.List?.Remove(node);
            peer.Departure = null;
        }
    }

    /// <summary>A disconnected peer just dropped moves to the list forgotten last. Caller holds _gate.</summary>
    private void MoveToDroppedLocked(PeerState peer)
    {
        if (peer.Departure is { } node && node.List == _departed)
        {
            _departed.Remove(node);
            peer.Departure = _departedDropped.AddLast(peer);
        }
    }

    /// <summary>The scheduler's retry: states busy at their disconnect may be free now. Caller holds _gate.</summary>
    private void PrunePeriodicallyLocked(long now)
    {
        if (_departed.Count + _departedDropped.Count <= _options.MaxDisconnectedPeers
            || _time.GetElapsedTime(_lastPrune, now) < _options.TickInterval)
            return;
        _lastPrune = now;
        PruneLocked();
    }

    /// <summary>
    /// Forgets the oldest free disconnected states until at most <see cref="ExchangeOptions.MaxDisconnectedPeers"/>
    /// remain, good-standing ones before dropped ones. States still needed are skipped and stay listed. Caller holds _gate.
    /// </summary>
    private void PruneLocked()
    {
        var excess = _departed.Count + _departedDropped.Count - _options.MaxDisconnectedPeers;
        if (excess <= 0)
            return;
        HashSet<PeerState>? referenced = null;
        excess -= ForgetLocked(_departed, excess, ref referenced);
        if (excess > 0)
            ForgetLocked(_departedDropped, excess, ref referenced);
    }

    /// <summary>Forgets up to <paramref name="count"/> free states from the front of <paramref name="list"/>; returns how many.</summary>
    private int ForgetLocked(LinkedList<PeerState> list, int count, ref HashSet<PeerState>? referenced)
    {
        var forgotten = 0;
        var node = list.First;
        while (node is not null && forgotten < count)
        {
            var next = node.Next;
            var peer = node.Value;
            if (!IsBusy(peer) && !(referenced ??= ReferencedLocked()).Contains(peer))
            {
                list.Remove(node);
                peer.Departure = null;
                if (_peers.TryGetValue(peer.PeerId, out var held) && ReferenceEquals(held, peer))
                    _peers.Remove(peer.PeerId);
                forgotten++;
            }
            node = next;
        }
        return forgotten;
    }

    /// <summary>Want-blocks outstanding at the peer, or blocks we still owe it. Caller holds _gate (ServeLock is taken inside it).</summary>
    private static bool IsBusy(PeerState peer)
    {
        if (peer.InFlight.Count > 0)
            return true;
        lock (peer.ServeLock)
            return peer.Serving || peer.ServeQueue.Count > 0;
    }

    /// <summary>Every state an open session or a pending want refers to. Caller holds _gate.</summary>
    private HashSet<PeerState> ReferencedLocked()
    {
        var referenced = new HashSet<PeerState>();
        foreach (var session in _sessions)
        {
            referenced.UnionWith(session.Providers);
            referenced.UnionWith(session.Excluded);
        }
        foreach (var want in _order)
        {
            referenced.UnionWith(want.Asked);
            referenced.UnionWith(want.Refused);
        }
        return referenced;
    }

    /// <summary>A serve worker finished for a peer that has left: its state may be forgettable now.</summary>
    private void OnServeEnded(PeerState peer)
    {
        if (peer.Peer.IsConnected)
            return;
        lock (_gate)
            PruneLocked();
    }
}
