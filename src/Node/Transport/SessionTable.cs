using System.Collections.Concurrent;
using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>
/// The authenticated sessions, indexed two ways: by LiteNetLib connection id (what the network thread sees) and by
/// remote endpoint (what <see cref="SessionGuard"/> sees, LiteNetLib keeping one connection per endpoint). Both
/// maps are concurrent; a session is in the endpoint map only while it is in the connection map, except for the
/// moment between the two writes, which every reader tolerates (it checks <see cref="SecurePeer.IsConnected"/>).
/// </summary>
internal sealed class SessionTable
{
    private readonly ConcurrentDictionary<int, SecurePeer> _byConnection = new();
    private readonly ConcurrentDictionary<IPEndPoint, SecurePeer> _byEndPoint = new();

    /// <summary>A live view: enumerating it while sessions come and go is safe.</summary>
    public ICollection<SecurePeer> All => _byConnection.Values;

    /// <summary>Records a new session; a previous one at the endpoint (LiteNetLib already replaced its connection) is forgotten.</summary>
    public void Add(SecurePeer secure)
    {
        _byConnection[secure.NetPeer.Id] = secure;
        _byEndPoint[secure.RemoteEndPoint] = secure;
    }

    /// <summary>Removes this session if it is still the one on its connection; false when something else removed it first.</summary>
    public bool TryRemove(SecurePeer secure)
    {
        if (!_byConnection.TryRemove(new KeyValuePair<int, SecurePeer>(secure.NetPeer.Id, secure)))
            return false;
        ForgetEndPoint(secure);
        return true;
    }

    /// <summary>
    /// Removes whatever session holds this session's connection id (the application's disconnect, which names a
    /// connection); false when none does.
    /// </summary>
    public bool TryRemoveConnection(SecurePeer secure)
    {
        if (!_byConnection.TryRemove(secure.NetPeer.Id, out _))
            return false;
        ForgetEndPoint(secure);
        return true;
    }

    /// <summary>The live session at an endpoint, for the packet guard.</summary>
    public SecurePeer? FindByEndPoint(IPEndPoint endPoint)
    {
        // LiteNetLib passes its peer object (an IPEndPoint subclass with its own hash) for known endpoints.
        var key = endPoint.GetType() == typeof(IPEndPoint) ? endPoint : new IPEndPoint(endPoint.Address, endPoint.Port);
        return _byEndPoint.TryGetValue(key, out var secure) && secure.IsConnected ? secure : null;
    }

    /// <summary>A connected session at the endpoint, found by scanning (dials: a rare path); optionally only with one PeerId.</summary>
    public SecurePeer? FindConnected(IPEndPoint endPoint, PeerId? peer = null) =>
        _byConnection.Values.FirstOrDefault(s => s.RemoteEndPoint.Equals(endPoint) && s.IsConnected && (peer is null || s.PeerId == peer));

    /// <summary>A connected session the given peer dialled to us (the bulk path's bind names the dialler).</summary>
    public SecurePeer? FindInbound(PeerId dialler) =>
        _byConnection.Values.FirstOrDefault(s => s.PeerId == dialler && !s.IsOutbound && s.IsConnected);

    public void Clear()
    {
        _byConnection.Clear();
        _byEndPoint.Clear();
    }

    private void ForgetEndPoint(SecurePeer secure) =>
        _byEndPoint.TryRemove(new KeyValuePair<IPEndPoint, SecurePeer>(secure.RemoteEndPoint, secure));
}
