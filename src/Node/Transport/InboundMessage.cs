using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>A decrypted, authenticated message. <see cref="Payload"/> belongs to the receiver.</summary>
public sealed class InboundMessage(SecurePeer peer, byte channel, byte[] payload)
{
    public SecurePeer Peer { get; } = peer;

    public PeerId PeerId => Peer.PeerId;

    public IPEndPoint RemoteEndPoint => Peer.RemoteEndPoint;

    public byte Channel { get; } = channel;

    public byte[] Payload { get; } = payload;
}
