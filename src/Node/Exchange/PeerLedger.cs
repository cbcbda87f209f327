using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Exchange;

/// <summary>
/// Every peer the exchange exchanged messages with, by PeerId, and the forgetting of peers that left. A new
/// identity costs one Ed25519 key, so per-peer state must not outlive the peer without bound: a disconnected
/// peer's state joins a list (oldest first) and, once more than <see cref="ExchangeOptions.MaxDisconnectedPeers"/>
/// are listed, the oldest ones nothing needs any more are forgotten. A state is needed while it has want-blocks
/// outstanding, serve work queued or running, or is referenced by an open session or a pending want
/// (<paramref name="referenced"/>): a session keeps its PeerState objects, and a peer that reconnects must find
/// the same object so the session picks it up again. Peers dropped for misbehaving sit in a list of their own,
/// emptied only after every other free state is gone, so a liar cannot wash its record by reconnecting under a
/// storm of throwaway identities. Node-wide counters live in <see cref="ExchangeTotals"/> and lose nothing.
/// All state is guarded by <paramref name="gate"/>, the fetch side's lock (methods named *Locked expect it held).
/// </summary>
internal sealed class PeerLedger(Lock gate, ExchangeOptions options, TimeProvider time, Func<HashSet<PeerState>> referenced)
{
    /// <summary>Peers by PeerId: every connected one we exchanged messages with, and departed ones until forgotten. Guarded by gate.</summary>
    private readonly Dictionary<PeerId, PeerState> _peers = [];

    /// <summary>Disconnected peers in good standing, oldest departure first. Guarded by gate.</summary>
    private readonly LinkedList<PeerState> _departed = new();

    /// <summary>Disconnected peers that were dropped (lied or stalled too often), oldest first. Guarded by gate.</summary>
    private readonly LinkedList<PeerState> _departedDropped = new();

    /// <summary>When the scheduler last pruned (timestamp); it retries states that were busy at the disconnect. Guarded by gate.</summary>
    private long _lastPrune;

    /// <summary>Every peer state held now. Caller holds the gate.</summary>
    public IEnumerable<PeerState> PeersLocked => _peers.Values;

    public int Count
    {
        get
        {
            lock (gate)
                return _peers.Count;
        }
    }

    public int DisconnectedCount
    {
        get
        {
            lock (gate)
                return _departed.Count + _departedDropped.Count;
        }
    }

    /// <summary>Counters and state of every peer held, connected or not (see <see cref="BlockExchange.GetPeerStatistics"/>).</summary>
    public IReadOnlyList<PeerStatistics> Statistics()
    {
        lock (gate)
        {
            return [.. _peers.Values.Select(p => new PeerStatistics(
                p.PeerId, p.Peer.RemoteEndPoint,
                Interlocked.Read(ref p.BytesReceived), Interlocked.Read(ref p.BlocksReceived),
                Interlocked.Read(ref p.BytesSent), Interlocked.Read(ref p.BlocksSent),
                Interlocked.Read(ref p.DuplicateBlocks), Interlocked.Read(ref p.CorruptBlocks),
                p.InFlight.Count, p.Window(options), p.Bandwidth.BytesPerSecond, p.Score, p.Dropped, p.Departure is null && p.Peer.IsConnected))];
        }
    }

    /// <summary>
    /// The peer's state, created on first contact; a reconnected peer's new connection replaces the old. A message
    /// handled after its sender left creates a state that is listed as departed at once, so it is forgotten too.
    /// </summary>
    public PeerState Get(SecurePeer peer)
    {
        lock (gate)
        {
            if (!_peers.TryGetValue(peer.PeerId, out var state))
            {
                state = new PeerState(peer) { LastProgress = time.GetTimestamp() };
                _peers.Add(peer.PeerId, state);
                if (!peer.IsConnected)
                {
                    MarkDepartedLocked(state);
                    PruneLocked();
                }
            }
            else if (!ReferenceEquals(state.Peer, peer) && peer.IsConnected)
            {
                state.Peer = peer;
                MarkReturnedLocked(state);
            }
            return state;
        }
    }

    /// <summary>
    /// A known peer connected again: its state follows the new connection at once, so it is not forgotten as
    /// departed in the gap before its first message. Unknown peers get a state on first contact.
    /// </summary>
    public void OnConnected(SecurePeer peer)
    {
        lock (gate)
        {
            if (_peers.TryGetValue(peer.PeerId, out var state) && !ReferenceEquals(state.Peer, peer) && peer.IsConnected)
            {
                state.Peer = peer;
                MarkReturnedLocked(state);
            }
        }
    }

    /// <summary>The state of a connection that just closed, or null when the ledger holds another (or none). Caller holds the gate.</summary>
    public PeerState? DepartedLocked(SecurePeer peer) =>
        _peers.TryGetValue(peer.PeerId, out var state) && ReferenceEquals(state.Peer, peer) ? state : null;

    /// <summary>
    /// The state the ledger holds for <paramref name="peer"/>'s PeerId. A state forgotten while a message from it
    /// was still queued (a block waiting for verification) is taken back, so what that message does (a drop for
    /// lying, a provider added to a session) is remembered; a newer state for the same peer wins. Caller holds the gate.
    /// </summary>
    public PeerState ResolveLocked(PeerState peer)
    {
        if (_peers.TryGetValue(peer.PeerId, out var current))
            return current;
        _peers.Add(peer.PeerId, peer);
        if (!peer.Peer.IsConnected)
            MarkDepartedLocked(peer);
        return peer;
    }

    /// <summary>Lists a disconnected peer's state for forgetting (once). Caller holds the gate.</summary>
    public void MarkDepartedLocked(PeerState peer)
    {
        peer.Departure ??= (peer.Dropped ? _departedDropped : _departed).AddLast(peer);
    }

    /// <summary>The peer is back: its state is no longer a candidate for forgetting. Caller holds the gate.</summary>
    private static void MarkReturnedLocked(PeerState peer)
    {
        if (peer.Departure is { } node)
        {
            node.List?.Remove(node);
            peer.Departure = null;
        }
    }

    /// <summary>A peer dropped for good: if it already left, it moves to the list forgotten last. Caller holds the gate.</summary>
    public void MarkDroppedLocked(PeerState peer)
    {
        peer.Dropped = true;
        if (peer.Departure is { } node && node.List == _departed)
        {
            _departed.Remove(node);
            peer.Departure = _departedDropped.AddLast(peer);
        }
    }

    /// <summary>The scheduler's retry: states busy at their disconnect may be free now. Caller holds the gate.</summary>
    public void PrunePeriodicallyLocked(long now)
    {
        if (_departed.Count + _departedDropped.Count <= options.MaxDisconnectedPeers
            || time.GetElapsedTime(_lastPrune, now) < options.TickInterval)
            return;
        _lastPrune = now;
        PruneLocked();
    }

    /// <summary>
    /// Forgets the oldest free disconnected states until at most <see cref="ExchangeOptions.MaxDisconnectedPeers"/>
    /// remain, good-standing ones before dropped ones. States still needed are skipped and stay listed. Caller holds the gate.
    /// </summary>
    public void PruneLocked()
    {
        var excess = _departed.Count + _departedDropped.Count - options.MaxDisconnectedPeers;
        if (excess <= 0)
            return;
        HashSet<PeerState>? needed = null;
        excess -= ForgetLocked(_departed, excess, ref needed);
        if (excess > 0)
            ForgetLocked(_departedDropped, excess, ref needed);
    }

    /// <summary>A serve worker finished for a peer that has left: its state may be forgettable now.</summary>
    public void OnServeEnded(PeerState peer)
    {
        if (peer.Peer.IsConnected)
            return;
        lock (gate)
            PruneLocked();
    }

    /// <summary>Forgets up to <paramref name="count"/> free states from the front of <paramref name="list"/>; returns how many.</summary>
    private int ForgetLocked(LinkedList<PeerState> list, int count, ref HashSet<PeerState>? needed)
    {
        var forgotten = 0;
        var node = list.First;
        while (node is not null && forgotten < count)
        {
            var next = node.Next;
            var peer = node.Value;
            if (!IsBusy(peer) && !(needed ??= referenced()).Contains(peer))
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

    /// <summary>Want-blocks outstanding at the peer, or blocks we still owe it. Caller holds the gate.</summary>
    private static bool IsBusy(PeerState peer) => peer.InFlight.Count > 0 || ServeQueue.IsBusy(peer);
}
