using P2P.Node.Exchange.Planning;
using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>
/// Copies the fetch side's books into a <see cref="PlannerInput"/> (peers and sessions numbered as they are met)
/// and keeps the numbering, so the plan's indexes lead back to the live objects. Built and used under the gate.
/// </summary>
internal sealed class PlanSnapshot
{
    private readonly Dictionary<PeerState, int> _peerIndex = [];
    private readonly Dictionary<Multihash, int> _wantIndex = [];
    private readonly List<PeerView> _peerViews = [];

    private PlanSnapshot(IReadOnlyList<PendingWant> wants, IReadOnlyList<ExchangeSession> sessions)
    {
        Wants = wants;
        Sessions = sessions;
    }

    public IReadOnlyList<PendingWant> Wants { get; }

    public IReadOnlyList<ExchangeSession> Sessions { get; }

    /// <summary>The live peer of each peer index in <see cref="Input"/>.</summary>
    public List<PeerState> Peers { get; } = [];

    public PlannerInput Input { get; private set; } = null!;

    /// <summary>Caller holds the gate.</summary>
    public static PlanSnapshot TakeLocked(WantBook book, ExchangeOptions options, long now)
    {
        var snapshot = new PlanSnapshot([.. book.OrderLocked], [.. book.SessionsLocked]);
        snapshot.Input = snapshot.Build(options, now);
        return snapshot;
    }

    private PlannerInput Build(ExchangeOptions options, long now)
    {
        for (var w = 0; w < Wants.Count; w++)
            _wantIndex[Wants[w].Cid.Multihash] = w;
        var sessionIndex = new Dictionary<ExchangeSession, int>();
        for (var s = 0; s < Sessions.Count; s++)
            sessionIndex[Sessions[s]] = s;
        var sessionViews = Sessions.Select(s => new SessionView(
            [.. s.Providers.Select(p => IndexOf(p, options))],
            s.Excluded.Count == 0 ? [] : [.. s.Excluded.Select(p => IndexOf(p, options))],
            s.Searching, s.LastSearch)).ToList();
        var wantViews = new List<WantView>(Wants.Count);
        foreach (var want in Wants)
        {
            // Closing a session withdraws its wants, so each want's session is open; a stray one gets an empty session.
            if (!sessionIndex.TryGetValue(want.Session, out var session))
            {
                sessionViews.Add(new SessionView([], [], Searching: true, LastSearch: now));
                session = sessionIndex[want.Session] = sessionViews.Count - 1;
            }
            wantViews.Add(new WantView(session,
                [.. want.Asked.Select(p => IndexOf(p, options))],
                want.Refused.Count == 0 ? [] : [.. want.Refused.Select(p => IndexOf(p, options))],
                want.UnassignableSince));
        }
        return new PlannerInput(wantViews, _peerViews, sessionViews, now);
    }

    private int IndexOf(PeerState peer, ExchangeOptions options)
    {
        if (_peerIndex.TryGetValue(peer, out var index))
            return index;
        index = Peers.Count;
        _peerIndex[peer] = index;
        Peers.Add(peer);
        var inFlight = peer.InFlight.Select(r => new PlannedRequest(
            _wantIndex.TryGetValue(r.Key, out var w) ? w : -1, r.Value.SentAt, r.Value.Sequence)).ToList();
        _peerViews.Add(new PeerView(peer.Usable, peer.Window(options), peer.Bandwidth.Rate, inFlight, peer.NextSequence));
        return index;
    }
}
