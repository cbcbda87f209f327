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
        var length = secure.Session.PlaintextLength(sealedFrame.Length);
        if (length < 0)
        {
            _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint, "sealed frame shorter than its tag");
            return;
        }
        if (length > _maxMessageSize)
        {
            _drops.Count(DropReason.Oversized, secure.RemoteEndPoint, $"{length}-byte message");
            return;
        }
        var plaintext = GC.AllocateUninitializedArray<byte>(length);
        switch (secure.Session.TryOpen(sealedFrame, plaintext))
        {
            case SessionOpenStatus.Ok:
                secure.Verified(_time.GetTimestamp());
                if (!_inbound.Writer.TryWrite(new InboundMessage(secure, channel, plaintext)))
                    _drops.Count(DropReason.InboundQueueFull, secure.RemoteEndPoint);
                break;
            case SessionOpenStatus.Replayed:
                _drops.Count(DropReason.Replayed, secure.RemoteEndPoint);
                break;
            case SessionOpenStatus.Forged:
                _drops.Count(DropReason.Forged, secure.RemoteEndPoint);
                break;
            default:
                _drops.Count(DropReason.MalformedFrame, secure.RemoteEndPoint);
                break;
        }
    }
}
