using System.Net;
using System.Threading.Channels;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>
/// Authenticated, encrypted, message-oriented links between nodes. Every peer it exposes has proven its PeerId in
/// the handshake; every message it delivers was sealed by that peer in this session and is delivered at most once.
/// Failures by remote peers are values (a failed <see cref="ConnectResult"/>, a false send, a counted drop), never
/// exceptions.
/// </summary>
public interface ISecureTransport : IAsyncDisposable
{
    PeerId LocalPeerId { get; }

    /// <summary>The bound endpoint (with the real port when bound to port 0). Valid after <see cref="Start"/>.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Channels per connection; a send names one of 0 .. ChannelCount-1. Messages on one channel stay in order.</summary>
    int ChannelCount { get; }

    /// <summary>Largest message <see cref="SendAsync"/> accepts and the receiver delivers.</summary>
    int MaxMessageSize { get; }

    /// <summary>Messages from authenticated peers, in arrival order per channel. Bounded: when full, new messages are dropped and counted.</summary>
    ChannelReader<InboundMessage> Inbound { get; }

    /// <summary>Authenticated peers now connected.</summary>
    IReadOnlyCollection<SecurePeer> Peers { get; }

    /// <summary>Raised on the network thread once a peer has completed the handshake; handlers must return quickly.</summary>
    event EventHandler<SecurePeerEventArgs>? PeerConnected;

    /// <summary>Raised on the network thread when an authenticated peer goes away.</summary>
    event EventHandler<SecurePeerEventArgs>? PeerDisconnected;

    void Start(IPEndPoint bind);

    /// <summary>
    /// Connects and runs the handshake. When <paramref name="expectedPeer"/> is set, a remote proving any other
    /// PeerId is rejected before it learns who we are. Times out after the configured handshake timeout.
    /// </summary>
    Task<ConnectResult> ConnectAsync(IPEndPoint remote, PeerId? expectedPeer, CancellationToken ct);

    /// <summary>
    /// Seals and queues one message on <paramref name="channel"/>, waiting while that channel's send queue is full.
    /// False when the peer is (or becomes) disconnected.
    /// </summary>
    ValueTask<bool> SendAsync(SecurePeer peer, ReadOnlyMemory<byte> message, byte channel, CancellationToken ct);

    void Disconnect(SecurePeer peer);

    /// <summary>How many packets were dropped for <paramref name="reason"/> since start.</summary>
    long GetDropCount(DropReason reason);
}
