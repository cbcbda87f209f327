using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>
/// The node's one way to reach a peer: the DHT (to send a request), the exchange (to fetch from a provider) and
/// <c>swarm connect</c> all dial through here. It keeps the authenticated connections by PeerId (from the
/// transport's events) and runs one dial per endpoint and expected PeerId at a time, however many callers want
/// it: the transport refuses a second connect to an endpoint already in progress, so without the sharing a DHT
/// lookup and an exchange search dialling the same provider would fail each other. A dial that names a PeerId
/// makes the handshake prove the remote holds that key before anything is sent, so a contact that lies about who
/// is behind an address fails here. Thread-safe (concurrent dictionaries; events arrive on the network thread).
/// </summary>
public sealed class Dialer : IDisposable
{
    private readonly ISecureTransport _transport;
    private readonly ILogger _logger;

    /// <summary>Connected peers by PeerId, kept by the transport's events (raised on its network thread).</summary>
    private readonly ConcurrentDictionary<PeerId, SecurePeer> _connected = new();

    /// <summary>Dials in progress by endpoint and expected PeerId; the entry is removed when the dial ends.</summary>
    private readonly ConcurrentDictionary<(IPEndPoint EndPoint, PeerId? PeerId), Lazy<Task<ConnectResult>>> _dialing = new();

    public Dialer(ISecureTransport transport, ILogger<Dialer>? logger = null)
    {
        _transport = transport;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _transport.PeerConnected += OnConnected;
        _transport.PeerDisconnected += OnDisconnected;
        foreach (var peer in transport.Peers)
            _connected[peer.PeerId] = peer;
    }

    /// <summary>Peers connected now.</summary>
    public IReadOnlyCollection<SecurePeer> Connected => _connected.Values.Where(p => p.IsConnected).ToArray();

    /// <summary>The live connection to <paramref name="peer"/>, if any.</summary>
    public SecurePeer? Find(PeerId peer) =>
        _connected.TryGetValue(peer, out var found) && found.IsConnected ? found : null;

    /// <summary>The connection to <paramref name="peer"/>, dialling <paramref name="endPoint"/> if needed; null when it fails.</summary>
    public async Task<SecurePeer?> GetOrConnectAsync(PeerId peer, IPEndPoint endPoint, CancellationToken ct)
    {
        if (Find(peer) is { } existing)
            return existing;
        if (peer == _transport.LocalPeerId)
            return null;
        var result = await DialAsync(new Multiaddr(endPoint, peer), ct);
        return result.Peer;
    }

    /// <summary>
    /// Dials <paramref name="address"/> (the handshake checks its PeerId when it has one): the connection, or a
    /// one-line error. A connection the transport already has to that endpoint is returned without a new handshake.
    /// </summary>
    public Task<ConnectResult> DialAsync(Multiaddr address, CancellationToken ct)
    {
        var key = (new IPEndPoint(address.EndPoint.Address, address.EndPoint.Port), address.PeerId);
        var dial = _dialing.GetOrAdd(key, k => new Lazy<Task<ConnectResult>>(() => RunDialAsync(k.EndPoint, k.PeerId)));
        return dial.Value.WaitAsync(ct);
    }

    private async Task<ConnectResult> RunDialAsync(IPEndPoint endPoint, PeerId? peer)
    {
        try
        {
            // The dial is shared, so it must not die with the first caller's token; the transport's handshake
            // timeout bounds it.
            var result = await _transport.ConnectAsync(endPoint, peer, CancellationToken.None);
            if (!result.Succeeded)
            {
                _logger.LogDebug("Dial {Peer} at {EndPoint} failed: {Error}", peer, endPoint, result.Error);
                return result;
            }
            var connected = result.Peer!;
            _connected[connected.PeerId] = connected;
            return result;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The transport is stopping: no connection, as for any failed dial.
            return ConnectResult.Failure($"cannot dial {endPoint}: {e.Message}");
        }
        finally
        {
            _dialing.TryRemove((endPoint, peer), out _);
        }
    }

    private void OnConnected(object? sender, SecurePeerEventArgs e) => _connected[e.Peer.PeerId] = e.Peer;

    private void OnDisconnected(object? sender, SecurePeerEventArgs e) =>
        _connected.TryRemove(new KeyValuePair<PeerId, SecurePeer>(e.Peer.PeerId, e.Peer));

    public void Dispose()
    {
        _transport.PeerConnected -= OnConnected;
        _transport.PeerDisconnected -= OnDisconnected;
    }
}
