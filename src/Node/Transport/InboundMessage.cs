using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>
/// A decrypted, authenticated message. <see cref="Payload"/> may lie in a pooled receive buffer: it is valid until
/// <see cref="Release"/>, which the reader of the inbound queue calls once the message is handled. Anything kept
/// beyond that must be copied out (the wire decoder copies every field it returns). A reader that never releases
/// only costs the pool a buffer, which the collector takes.
/// </summary>
public sealed class InboundMessage
{
    private readonly ReceiveBufferPool? _pool;

    /// <summary>The pooled buffer under <see cref="Payload"/>, null once released (or when not pooled); taken with Interlocked.</summary>
    private byte[]? _lease;

    public InboundMessage(SecurePeer peer, byte channel, byte[] payload)
        : this(peer, channel, payload, null, null)
    {
    }

    internal InboundMessage(SecurePeer peer, byte channel, ReadOnlyMemory<byte> payload, ReceiveBufferPool? pool, byte[]? lease)
    {
        Peer = peer;
        Channel = channel;
        Payload = payload;
        _pool = pool;
        _lease = lease;
    }

    public SecurePeer Peer { get; }

    public PeerId PeerId => Peer.PeerId;

    public IPEndPoint RemoteEndPoint => Peer.RemoteEndPoint;

    public byte Channel { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>True while the payload lies in a pooled buffer not yet given back (tests).</summary>
    internal bool Leased => Volatile.Read(ref _lease) is not null;

    /// <summary>Gives the pooled buffer back; idempotent and thread-safe. <see cref="Payload"/> must not be read afterwards.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _lease, null) is { } buffer)
            _pool?.Return(buffer);
    }
}
