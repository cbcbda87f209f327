using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>
/// The fetch side's books: outstanding wants by multihash and in the order they were asked for, and the open
/// sessions. <see cref="Gate"/> guards them, every PeerState's fetch-side fields, the sessions' peer sets and the
/// <see cref="PeerLedger"/>; methods named *Locked expect it held. Work done under it is bookkeeping only: no
/// I/O, no awaits, so a lock is enough.
/// </summary>
internal sealed class WantBook
{
    /// <summary>Outstanding wants by multihash (blocks are keyed by multihash, as in the store). Guarded by Gate.</summary>
    private readonly Dictionary<Multihash, PendingWant> _wants = [];

    /// <summary>Outstanding wants in the order they were asked for (file order for the exporter). Guarded by Gate.</summary>
    private readonly List<PendingWant> _order = [];

    /// <summary>Open sessions. Guarded by Gate.</summary>
    private readonly HashSet<ExchangeSession> _sessions = [];

    public Lock Gate { get; } = new();

    public IReadOnlyList<PendingWant> OrderLocked => _order;

    public IReadOnlyCollection<ExchangeSession> SessionsLocked => _sessions;

    public bool TryGetLocked(Multihash multihash, out PendingWant want) => _wants.TryGetValue(multihash, out want!);

    /// <summary>The want for <paramref name="cid"/> with one more waiter, made for <paramref name="session"/> if new.</summary>
    public PendingWant AddWaiterLocked(Cid cid, ExchangeSession session, long now)
    {
        if (!_wants.TryGetValue(cid.Multihash, out var want))
        {
            want = new PendingWant(cid, session, now);
            _wants.Add(cid.Multihash, want);
            _order.Add(want);
        }
        want.Waiters++;
        return want;
    }

    public void AddSessionLocked(ExchangeSession session) => _sessions.Add(session);

    /// <summary>Closes a session and withdraws its wants, with the peers each was outstanding at.</summary>
    public List<(PendingWant Want, List<PeerState> Asked)> CloseSessionLocked(ExchangeSession session)
    {
        session.Closed = true;
        _sessions.Remove(session);
        List<(PendingWant, List<PeerState>)> withdrawn = [];
        foreach (var want in _order.Where(w => w.Session == session).ToList())
            withdrawn.Add((want, RemoveLocked(want)));
        return withdrawn;
    }

    /// <summary>Forgets a want and returns the peers that still had it outstanding.</summary>
    public List<PeerState> RemoveLocked(PendingWant want)
    {
        want.Done = true;
        _wants.Remove(want.Cid.Multihash);
        _order.Remove(want);
        var asked = new List<PeerState>(want.Asked);
        foreach (var peer in asked)
            Unassign(peer, want.Cid.Multihash);
        want.Asked.Clear();
        return asked;
    }

    /// <summary>The peer no longer has <paramref name="multihash"/> outstanding; an emptied peer stops its busy clock.</summary>
    public static void Unassign(PeerState peer, Multihash multihash)
    {
        if (peer.InFlight.Remove(multihash) && peer.InFlight.Count == 0)
            peer.Bandwidth.OnIdle();
    }

    /// <summary>Takes back every want outstanding at <paramref name="peer"/>, so the planner hands them to others.</summary>
    public void ReassignLocked(PeerState peer)
    {
        foreach (var multihash in peer.InFlight.Keys)
        {
            if (_wants.TryGetValue(multihash, out var want))
                want.Asked.Remove(peer);
        }
        peer.InFlight.Clear();
        peer.Bandwidth.OnIdle();
    }

    /// <summary>Stops asking a peer for anything, for good, and hands its outstanding wants to others.</summary>
    public void DropLocked(PeerState peer, PeerLedger ledger)
    {
        ledger.MarkDroppedLocked(peer);
        ReassignLocked(peer);
    }

    /// <summary>Every state an open session or a pending want refers to (the ledger must not forget them).</summary>
    public HashSet<PeerState> ReferencedLocked()
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

    /// <summary>The first of the session's wants that nobody has outstanding (what a provider search looks for).</summary>
    public Cid? FirstLacking(ExchangeSession session)
    {
        lock (Gate)
            return _order.Find(w => w.Session == session && w.Asked.Count == 0)?.Cid;
    }

    /// <summary>Empties the books at shutdown; returns the wants whose waiters must be failed.</summary>
    public List<PendingWant> ClearLocked()
    {
        List<PendingWant> wants = [.. _order];
        _order.Clear();
        _wants.Clear();
        foreach (var session in _sessions)
            session.Closed = true;
        return wants;
    }
}
