using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// The relay's books (circuit relay v2 in shape): reservations by peer, circuits as two legs with random ids, and the
/// caps on each. Pure state under one lock, with time passed in, so every decision is testable without sockets; the
/// packet layer asks it, per datagram, whether and where to forward. A leg accepts datagrams only from the endpoint of
/// the session that opened it, so knowing an id is not enough to inject into a circuit (and the end-to-end session
/// would drop the packet anyway). Forwarding holds no buffers: a peer that never reads costs the relay nothing.
/// </summary>
internal sealed class RelayServer(NatOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PeerId, Reservation> _reservations = [];
    private readonly Dictionary<ulong, Leg> _legs = [];
    private readonly Dictionary<PeerId, int> _circuitsByPeer = [];
    private int _circuits;
    private bool _changed;

    /// <summary>
    /// Test hook: a relay that alters what it forwards (given each forwarded packet after the circuit header). Null in
    /// production, where the forwarding path pays one null check for it.
    /// </summary>
    internal TamperHook? Tamper { get; set; }

    internal delegate void TamperHook(Span<byte> packet);

    /// <summary>
    /// Raised, outside the lock, on the thread that made the change, after a reservation or a circuit was added,
    /// renewed or removed: whoever waits on <see cref="ReservationCount"/> or <see cref="CircuitCount"/> waits on
    /// this rather than polling.
    /// </summary>
    public event Action? Changed;

    public int ReservationCount
    {
        get { lock (_gate) return _reservations.Count; }
    }

    public int CircuitCount
    {
        get { lock (_gate) return _circuits; }
    }

    /// <summary>Grants or renews a reservation for a peer reached at <paramref name="endPoint"/> (its direct session).</summary>
    public string? Reserve(PeerId peer, IPEndPoint endPoint)
    {
        var now = time.GetTimestamp();
        string? refusal = null;
        lock (_gate)
        {
            SweepLocked(now);
            if (!_reservations.ContainsKey(peer) && _reservations.Count >= options.MaxReservations)
                refusal = "the relay holds its maximum of reservations";
            else
            {
                _reservations[peer] = new Reservation(endPoint, now + Ticks(options.ReservationTtl));
                _changed = true;
            }
        }
        RaiseIfChanged();
        return refusal;
    }

    /// <summary>The endpoint of the session a peer reserved from, if it holds a live reservation.</summary>
    public IPEndPoint? ReservedEndPoint(PeerId peer)
    {
        var now = time.GetTimestamp();
        lock (_gate)
            return _reservations.TryGetValue(peer, out var r) && r.ExpiresAt > now ? r.EndPoint : null;
    }

    /// <summary>
    /// Opens a circuit from <paramref name="from"/> (at <paramref name="fromEndPoint"/>) to a peer with a reservation.
    /// Returns the two leg ids (the dialler's, the target's) or a refusal.
    /// </summary>
    public (ulong FromLeg, ulong ToLeg, IPEndPoint ToEndPoint)? Open(PeerId from, IPEndPoint fromEndPoint, PeerId to, Random random, out string? refusal)
    {
        try
        {
            return OpenCore(from, fromEndPoint, to, random, out refusal);
        }
        finally
        {
            RaiseIfChanged();
        }
    }

    private (ulong FromLeg, ulong ToLeg, IPEndPoint ToEndPoint)? OpenCore(PeerId from, IPEndPoint fromEndPoint, PeerId to, Random random, out string? refusal)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            SweepLocked(now);
            refusal = null;
            if (!_reservations.TryGetValue(to, out var reservation))
                refusal = "the target holds no reservation on this relay";
            else if (from == to)
                refusal = "a circuit to oneself";
            else
            {
                CloseCircuitsLocked(from, to);
                if (_circuits >= options.MaxCircuits)
                    refusal = "the relay carries its maximum of circuits";
                else if (CountLocked(from) >= options.MaxCircuitsPerPeer || CountLocked(to) >= options.MaxCircuitsPerPeer)
                    refusal = "a peer of this circuit has its maximum of circuits";
            }
            if (refusal is not null)
                return null;
            var circuit = new Circuit(from, to, now + Ticks(options.MaxCircuitDuration));
            var fromLeg = NewIdLocked(random);
            var toLeg = NewIdLocked(random, fromLeg);
            _legs[fromLeg] = new Leg(circuit, fromEndPoint, reservation!.EndPoint, toLeg);
            _legs[toLeg] = new Leg(circuit, reservation.EndPoint, fromEndPoint, fromLeg);
            _circuits++;
            _circuitsByPeer[from] = CountLocked(from) + 1;
            _circuitsByPeer[to] = CountLocked(to) + 1;
            _changed = true;
            return (fromLeg, toLeg, reservation.EndPoint);
        }
    }

    /// <summary>
    /// Where a circuit datagram of <paramref name="length"/> bytes on leg <paramref name="id"/> from
    /// <paramref name="source"/> goes, or null (unknown leg, wrong source, circuit over its time or bytes).
    /// </summary>
    public (IPEndPoint To, ulong Leg)? Forward(IPEndPoint source, ulong id, int length)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_legs.TryGetValue(id, out var leg) || !leg.From.Equals(source))
                return null;
            var circuit = leg.Circuit;
            circuit.Bytes += length;
            if (circuit.ExpiresAt > now && circuit.Bytes <= options.MaxCircuitBytes)
                return (leg.To, leg.OtherId);
            CloseLocked(id, leg);
        }
        RaiseIfChanged();
        return null;
    }

    /// <summary>
    /// A dialler needs one circuit to a target at a time (a new request means its session over the old one is gone),
    /// so a new circuit replaces the pair's old one. Without this, one peer asking again and again would hold the
    /// target's whole per-peer quota and shut every honest dialler out until the circuits expire.
    /// </summary>
    private void CloseCircuitsLocked(PeerId from, PeerId to)
    {
        foreach (var (id, leg) in _legs.ToArray())
        {
            if (leg.Circuit.From == from && leg.Circuit.To == to)
                CloseLocked(id, leg);
        }
    }

    /// <summary>Drops a peer's reservation and every circuit it is an end of (its session with us ended).</summary>
    public void OnPeerGone(PeerId peer)
    {
        lock (_gate)
        {
            _changed |= _reservations.Remove(peer);
            foreach (var (id, leg) in _legs.ToArray())
            {
                if (leg.Circuit.From == peer || leg.Circuit.To == peer)
                    CloseLocked(id, leg);
            }
        }
        RaiseIfChanged();
    }

    public void Sweep()
    {
        lock (_gate) SweepLocked(time.GetTimestamp());
        RaiseIfChanged();
    }

    private void RaiseIfChanged()
    {
        bool changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = false;
        }
        if (changed)
            Changed?.Invoke();
    }

    private void SweepLocked(long now)
    {
        foreach (var (peer, reservation) in _reservations.ToArray())
        {
            if (reservation.ExpiresAt <= now)
                _changed |= _reservations.Remove(peer);
        }
        foreach (var (id, leg) in _legs.ToArray())
        {
            if (leg.Circuit.ExpiresAt <= now)
                CloseLocked(id, leg);
        }
    }

    /// <summary>Legs closed since the last <see cref="TakeClosed"/>: each end's endpoint and the leg id it uses.</summary>
    private readonly List<(IPEndPoint End, ulong Leg)> _closed = [];

    /// <summary>The legs closed since the last call, so their ends can be told (at most 1,024 kept; the oldest go).</summary>
    public List<(IPEndPoint End, ulong Leg)> TakeClosed()
    {
        lock (_gate)
        {
            var taken = new List<(IPEndPoint, ulong)>(_closed);
            _closed.Clear();
            return taken;
        }
    }

    private void CloseLocked(ulong id, Leg leg)
    {
        if (!_legs.Remove(id))
            return;
        if (_closed.Count >= 1024)
            _closed.RemoveRange(0, 2);
        _closed.Add((leg.From, id));
        _closed.Add((leg.To, leg.OtherId));
        _legs.Remove(leg.OtherId);
        _circuits--;
        _changed = true;
        Decrement(leg.Circuit.From);
        Decrement(leg.Circuit.To);
    }

    private void Decrement(PeerId peer)
    {
        var left = CountLocked(peer) - 1;
        if (left <= 0)
            _circuitsByPeer.Remove(peer);
        else
            _circuitsByPeer[peer] = left;
    }

    private int CountLocked(PeerId peer) => _circuitsByPeer.GetValueOrDefault(peer);

    private ulong NewIdLocked(Random random, ulong avoid = 0)
    {
        while (true)
        {
            var id = (ulong)random.NextInt64(1, long.MaxValue);
            if (id != avoid && !_legs.ContainsKey(id))
                return id;
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed record Reservation(IPEndPoint EndPoint, long ExpiresAt);

    private sealed class Circuit(PeerId from, PeerId to, long expiresAt)
    {
        public PeerId From { get; } = from;

        public PeerId To { get; } = to;

        public long ExpiresAt { get; } = expiresAt;

        public long Bytes { get; set; }
    }

    private sealed record Leg(Circuit Circuit, IPEndPoint From, IPEndPoint To, ulong OtherId);
}
