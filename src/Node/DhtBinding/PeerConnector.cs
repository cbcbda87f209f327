using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.DhtBinding;

/// <summary>
/// Finds the authenticated connection to a PeerId, dialling its endpoint when there is none. The dial names the
/// expected PeerId, so the handshake proves the remote holds that key before anything is sent: a contact that
/// lies about who is behind an address fails here and never answers a request. Concurrent dials to one peer
/// share one attempt (the transport refuses a second connect to an endpoint in progress).
/// </summary>
public sealed class PeerConnector : IDisposable
{
    private readonly ISecureTransport _transport;
    private readonly ILogger _logger;

    /// <summary>Connected peers by PeerId, kept by the transport's events (raised on its network thread).</summary>
    private readonly ConcurrentDictionary<PeerId, SecurePeer> _connected = new();

    /// <summary>Dials in progress by PeerId; the entry is removed when the dial ends.</summary>
    private readonly ConcurrentDictionary<PeerId, Lazy<Task<SecurePeer?>>> _dialing = new();

    public PeerConnector(ISecureTransport transport, ILogger<PeerConnector>? logger = null)
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
        var dial = _dialing.GetOrAdd(peer, p => new Lazy<Task<SecurePeer?>>(() => DialAsync(p, endPoint)));
        return await dial.Value.WaitAsync(ct);
    }

    private async Task<SecurePeer?> DialAsync(PeerId peer, IPEndPoint endPoint)
    {
        try
        {
            // The dial is shared, so it must not die with the first caller's token; the transport's handshake
            // timeout bounds it.
            var result = await _transport.ConnectAsync(endPoint, peer, CancellationToken.None);
            if (!result.Succeeded)
            {
                _logger.LogDebug("Dial {Peer} at {EndPoint} failed: {Error}", peer, endPoint, result.Error);
                return null;
            }
            var connected = result.Peer!;
            _connected[connected.PeerId] = connected;
            return connected;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The transport is stopping: no connection, as for any failed dial.
            return null;
        }
        finally
        {
            _dialing.TryRemove(peer, out _);
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
