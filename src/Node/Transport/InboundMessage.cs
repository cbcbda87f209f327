using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Transport;

/// <summary>
/// A decrypted, authenticated message. <see cref="Payload"/> may lie in a pooled receive buffer: it is valid until
/// <see cref="Release"/>, which the reader of the inbound queue calls once the message is handled, unless a handler
/// kept a <see cref="Retain"/> lease (a fetched block does, so it reaches the store and the exporter without a copy).
/// A pooled payload read after its buffer went back throws <see cref="ObjectDisposedException"/>. A reader that never
/// releases only costs the pool a buffer, which the collector takes.
/// </summary>
public sealed class InboundMessage
{
    /// <summary>The pooled buffer under <see cref="Payload"/>; null when the payload is a plain array.</summary>
    private readonly ReceiveBuffer? _buffer;

    /// <summary>1 once the message let go of its buffer; set with Interlocked so that happens once.</summary>
    private int _released;

    public InboundMessage(SecurePeer peer, byte channel, byte[] payload)
        : this(peer, channel, payload.AsMemory())
    {
    }

    /// <summary>A message whose payload lies in an array nobody else uses (not pooled).</summary>
    internal InboundMessage(SecurePeer peer, byte channel, ReadOnlyMemory<byte> payload)
    {
        Peer = peer;
        Channel = channel;
        Payload = payload;
    }

    /// <summary>A message whose payload is <paramref name="length"/> bytes at <paramref name="offset"/> of a pooled buffer it holds once.</summary>
    internal InboundMessage(SecurePeer peer, byte channel, ReceiveBuffer buffer, int offset, int length)
    {
        Peer = peer;
        Channel = channel;
        _buffer = buffer;
        Payload = buffer.Memory.Slice(offset, length);
    }

    public SecurePeer Peer { get; }

    public PeerId PeerId => Peer.PeerId;

    public IPEndPoint RemoteEndPoint => Peer.RemoteEndPoint;

    public byte Channel { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>True while this message itself still holds a pooled buffer (tests).</summary>
    internal bool Leased => _buffer is not null && Volatile.Read(ref _released) == 0;

    /// <summary>The pooled buffer under the payload, null when there is none (tests).</summary>
    internal ReceiveBuffer? Buffer => _buffer;

    /// <summary>
    /// Keeps the payload's bytes valid past <see cref="Release"/> until the lease is disposed. Must be called before
    /// the message is released (a payload already given back cannot be kept: that throws).
    /// </summary>
    public PayloadLease Retain()
    {
        if (_buffer is null)
            return PayloadLease.None;
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
        return _buffer.Retain();
    }

    /// <summary>Lets go of the pooled buffer; idempotent and thread-safe. <see cref="Payload"/> must not be read afterwards unless retained.</summary>
    public void Release()
    {
        if (_buffer is not null && Interlocked.Exchange(ref _released, 1) == 0)
            _buffer.ReleaseReference();
    }
}
