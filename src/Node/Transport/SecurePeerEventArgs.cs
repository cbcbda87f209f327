namespace P2P.Node.Transport;

/// <summary>Connection or disconnection of an authenticated peer.</summary>
public sealed class SecurePeerEventArgs(SecurePeer peer, string? reason = null) : EventArgs
{
    public SecurePeer Peer { get; } = peer;

    /// <summary>Why the peer went away (disconnect events only).</summary>
    public string? Reason { get; } = reason;
}
