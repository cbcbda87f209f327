namespace P2P.Node.Storage;

/// <summary>A repo problem the user can act on; the message is one line meant to be printed as it is.</summary>
public sealed class RepoException : Exception
{
    public RepoException(RepoErrorReason reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public RepoErrorReason Reason { get; }
}
