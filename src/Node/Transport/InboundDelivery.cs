using System.Threading.Channels;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// Opens sealed data frames (from datagrams, early frames held during a handshake, or bulk records) and hands the
/// plaintext to the application through one bounded channel. Called from LiteNetLib's receive thread and the bulk
/// readers; the channel is the only shared state and is thread-safe.
/// </summary>
internal sealed class InboundDelivery
{
    private readonly Channel<InboundMessage> _inbound;
    private readonly int _maxMessageSize;
    private readonly DropCounter<DropReason> _drops;
    private readonly TimeProvider _time;

    public InboundDelivery(int capacity, int maxMessageSize, DropCounter<DropReason> drops, TimeProvider time)
    {
        _maxMessageSize = maxMessageSize;
        _drops = drops;
        _time = time;
        _inbound = Channel.CreateBounded<InboundMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; we count the drop instead of blocking the socket thread.
            SingleWriter = false,
            SingleReader = false,
        });
    }

    public ChannelReader<InboundMessage> Reader => _inbound.Reader;

    /// <summary>For a reader that can wait (TCP): completes when there is room, false once the channel is completed.</summary>
    public ValueTask<bool> WaitForRoomAsync(CancellationToken ct) => _inbound.Writer.WaitToWriteAsync(ct);

    public void Complete() => _inbound.Writer.TryComplete();

    /// <summary>Verifies and delivers one sealed frame; anything that fails is counted by reason, never thrown.</summary>
    public void OpenAndDeliver(SecurePeer secure, ReadOnlySpan<byte> sealedFrame, byte channel)
    {
        if (CheckLength(secure, sealedFrame.Length) is not { } length)
            return;
        var plaintext = GC.AllocateUninitializedArray<byte>(length);
        if (Opened(secure, secure.Session.TryOpen(sealedFrame, plaintext))
            && !_inbound.Writer.TryWrite(new InboundMessage(secure, channel, plaintext)))
            _drops.Count(DropReason.InboundQueueFull, secure.RemoteEndPoint);
    }

    /// <summary>
    /// Verifies a sealed frame held in <paramref name="buffer"/> (rented from <paramref name="pool"/>), decrypting it
    /// in place, and delivers the plaintext as a slice of that buffer. True when the message took the buffer (it is
    /// returned when the message is released); false when the frame was dropped and the caller still owns it.
    /// </summary>
    public bool OpenAndDeliver(SecurePeer secure, byte[] buffer, int frameLength, byte channel, ReceiveBufferPool pool)
    {
        if (CheckLength(secure, frameLength) is not { } length)
            return false;
        var frame = buffer.AsSpan(0, frameLength);
        // In place: the plaintext starts where the ciphertext does, which the AEAD allows (it reads each byte before
        // writing it). A forged frame leaves the buffer scrambled, and the buffer goes back to the pool unread.
        if (!Opened(secure, secure.Session.TryOpen(frame, buffer.AsSpan(SecureSession.CounterLength, length))))
            return false;
        // A record larger than the pool's buffers got an array of its own: a plain payload, left to the collector.
        var message = buffer.Length == pool.BufferSize
            ? new InboundMessage(secure, channel, new ReceiveBuffer(pool, buffer), SecureSession.CounterLength, length)
            : new InboundMessage(secure, channel, buffer.AsMemory(SecureSession.CounterLength, length));
        if (_inbound.Writer.TryWrite(message))
            return true;
        _drops.Count(DropReason.InboundQueueFull, secure.RemoteEndPoint);
        return false;
    }

    /// <summary>The plaintext length of a frame, or null (counted) when it is too short or over the message cap.</summary>
    private int? CheckLength(SecurePeer secure, int frameLength)
    {
        var length = secure.Session.PlaintextLength(frameLength);
        if (length < 0)
        {
            _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint, "sealed frame shorter than its tag");
            return null;
        }
        if (length > _maxMessageSize)
        {
            _drops.Count(DropReason.Oversized, secure.RemoteEndPoint, $"{length}-byte message");
            return null;
        }
        return length;
    }

    /// <summary>True when the frame opened; otherwise counts why it was dropped.</summary>
    private bool Opened(SecurePeer secure, SessionOpenStatus status)
    {
        switch (status)
        {
            case SessionOpenStatus.Ok:
                secure.Verified(_time.GetTimestamp());
                return true;
            case SessionOpenStatus.Replayed:
                _drops.Count(DropReason.Replayed, secure.RemoteEndPoint);
                return false;
            case SessionOpenStatus.Forged:
                _drops.Count(DropReason.Forged, secure.RemoteEndPoint);
                return false;
            default:
                _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint);
                return false;
        }
    }
}
