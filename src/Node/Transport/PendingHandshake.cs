using System.Net;
using LiteNetLib;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Transport;

/// <summary>
/// One connection whose handshake has not finished; stored in <c>NetPeer.Tag</c> until it is replaced by the
/// <see cref="SecurePeer"/>. Its fields are touched by the receive thread and the timeout timer: both hold
/// <see cref="Lock"/>.
/// </summary>
internal sealed class PendingHandshake : IDisposable
{
    private PendingHandshake(IPEndPoint remote, HandshakeInitiator? initiator, HandshakeResponder? responder, PeerId? expectedPeer)
    {
        Remote = remote;
        Initiator = initiator;
        Responder = responder;
        ExpectedPeer = expectedPeer;
    }

    public Lock Lock { get; } = new();

    public IPEndPoint Remote { get; }

    public HandshakeInitiator? Initiator { get; }

    public HandshakeResponder? Responder { get; }

    public bool IsOutbound => Initiator is not null;

    /// <summary>Outbound: the PeerId the caller named, checked again when the dial adopts the other side's session.</summary>
    public PeerId? ExpectedPeer { get; }

    /// <summary>Completed with the outcome for the caller of ConnectAsync (outbound only).</summary>
    public TaskCompletionSource<ConnectResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NetPeer? NetPeer { get; set; }

    /// <summary>True once the handshake succeeded or failed; later events for it are ignored.</summary>
    public bool Finished { get; set; }

    /// <summary>Data frames that overtook the finish message (copies; the reader is recycled).</summary>
    public List<(byte Channel, byte[] Frame)> EarlyFrames { get; } = [];

    /// <summary>Inbound: the handshake timeout. Outbound: the hello's retransmission timer.</summary>
    public ITimer? Timer { get; set; }

    /// <summary>The handshake frame we answer with or resend: the padded hello (outbound) or the reply (inbound).</summary>
    public byte[]? HandshakeFrame { get; set; }

    /// <summary>Copies of <see cref="HandshakeFrame"/> sent so far (bounded by LiteNetTransport.MaxHandshakeSends).</summary>
    public int HandshakeSends { get; set; }

    public static PendingHandshake Outbound(IPEndPoint remote, HandshakeInitiator initiator, PeerId? expectedPeer) =>
        new(remote, initiator, null, expectedPeer);

    public static PendingHandshake Inbound(IPEndPoint remote, HandshakeResponder responder) => new(remote, null, responder, null);

    public void Dispose()
    {
        Timer?.Dispose();
        Initiator?.Dispose();
        Responder?.Dispose();
    }
}
