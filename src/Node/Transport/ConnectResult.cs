namespace P2P.Node.Transport;

/// <summary>The outcome of <see cref="ISecureTransport.ConnectAsync"/>: an authenticated peer or a one-line error.</summary>
public sealed class ConnectResult
{
    private ConnectResult(SecurePeer? peer, string? error)
    {
        Peer = peer;
        Error = error;
    }

    public SecurePeer? Peer { get; }

    public string? Error { get; }

    public bool Succeeded => Peer is not null;

    public static ConnectResult Success(SecurePeer peer) => new(peer, null);

    public static ConnectResult Failure(string error) => new(null, error);

    public override string ToString() => Succeeded ? $"connected to {Peer}" : $"failed: {Error}";
}
