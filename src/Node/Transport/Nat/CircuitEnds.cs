using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport.Nat;

/// <summary>
/// This node's ends of relayed circuits. LiteNetLib keeps one connection per remote endpoint, so each circuit gets a
/// virtual endpoint in 240.0.0.0/4 (reserved, never a real peer's address): LiteNetLib talks to it as to any peer, and
/// the packet layer swaps it for the relay's endpoint plus the leg id on the way out, and back on the way in. The
/// end-to-end session then runs over the circuit unchanged: the relay forwards sealed frames it cannot open.
/// </summary>
internal sealed class CircuitEnds(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPEndPoint, End> _byVirtual = [];
    private readonly Dictionary<(IPEndPoint Relay, ulong Leg), IPEndPoint> _byLeg = [];
    private uint _next;

    /// <summary>True for the addresses of virtual endpoints: never dialled on the socket, never advertised.</summary>
    public static bool IsVirtual(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            return false;
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return (bytes[0] & 0xF0) == 0xF0;
    }

    public int Count
    {
        get { lock (_gate) return _byVirtual.Count; }
    }

    /// <summary>
    /// A virtual endpoint for leg <paramref name="leg"/> at <paramref name="relay"/> to <paramref name="peer"/>, with the
    /// peer's address as the relay observed it (where a hole punch aims); null when the table is full. A newer circuit
    /// with the same peer through the same relay replaces the older end (the relay has closed that circuit), so a peer
    /// asking a relay for circuits again and again holds one entry here, not the whole table.
    /// </summary>
    public IPEndPoint? Add(IPEndPoint relay, ulong leg, IPEndPoint? peerObserved, PeerId peer)
    {
        relay = new IPEndPoint(relay.Address, relay.Port);
        lock (_gate)
        {
            if (_byLeg.TryGetValue((relay, leg), out var existing))
                return existing;
            foreach (var (oldEndPoint, old) in _byVirtual.ToArray())
            {
                if (old.Peer == peer && old.Relay.Equals(relay))
                {
                    _byVirtual.Remove(oldEndPoint);
                    _byLeg.Remove((old.Relay, old.Leg));
                }
            }
            if (_byVirtual.Count >= capacity)
                return null;
            IPEndPoint endPoint;
            do
            {
                var n = ++_next & 0x0FFF_FFFF;
                endPoint = new IPEndPoint(new IPAddress([(byte)(0xF0 | (n >> 24)), (byte)(n >> 16), (byte)(n >> 8), (byte)n]), 1);
            }
            while (_byVirtual.ContainsKey(endPoint));
            _byVirtual[endPoint] = new End(relay, leg, peerObserved, peer);
            _byLeg[(relay, leg)] = endPoint;
            return endPoint;
        }
    }

    public bool TryGet(IPEndPoint virtualEndPoint, out IPEndPoint relay, out ulong leg, out IPEndPoint? peerObserved)
    {
        var key = Plain(virtualEndPoint);
        lock (_gate)
        {
            if (_byVirtual.TryGetValue(key, out var end))
            {
                (relay, leg, peerObserved) = (end.Relay, end.Leg, end.PeerObserved);
                return true;
            }
        }
        (relay, leg, peerObserved) = (null!, 0, null);
        return false;
    }

    public IPEndPoint? Find(IPEndPoint relay, ulong leg)
    {
        var key = (Plain(relay), leg);
        lock (_gate)
            return _byLeg.TryGetValue(key, out var endPoint) ? endPoint : null;
    }

    public void Remove(IPEndPoint virtualEndPoint)
    {
        var key = Plain(virtualEndPoint);
        lock (_gate)
        {
            if (_byVirtual.Remove(key, out var end))
                _byLeg.Remove((end.Relay, end.Leg));
        }
    }

    /// <summary>Forgets every circuit through a relay whose session ended.</summary>
    public void RemoveRelay(IPEndPoint relay)
    {
        var key = Plain(relay);
        lock (_gate)
        {
            foreach (var (endPoint, end) in _byVirtual.ToArray())
            {
                if (end.Relay.Equals(key))
                {
                    _byVirtual.Remove(endPoint);
                    _byLeg.Remove((end.Relay, end.Leg));
                }
            }
        }
    }

    // LiteNetLib hands its peer objects (IPEndPoint subclasses with their own hashing) to the packet layer.
    private static IPEndPoint Plain(IPEndPoint endPoint) =>
        endPoint.GetType() == typeof(IPEndPoint) ? endPoint : new IPEndPoint(endPoint.Address, endPoint.Port);

    private sealed record End(IPEndPoint Relay, ulong Leg, IPEndPoint? PeerObserved, PeerId Peer);
}
