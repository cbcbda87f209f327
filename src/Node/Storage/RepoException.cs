using P2P.Node.Errors;

namespace P2P.Node.Storage;

/// <summary>A repo problem the user can act on; the message is one line meant to be printed as it is.</summary>
public sealed class RepoException : P2PException
{
    public RepoException(RepoErrorReason reason, string message, Exception? inner = null)
        : base(KindOf(reason), message, inner)
    {
        Reason = reason;
    }

    public RepoErrorReason Reason { get; }

    /// <summary>Damaged contents are data that failed verification (exit 5); every other reason is the repo's (exit 3).</summary>
    public static ErrorKind KindOf(RepoErrorReason reason) =>
        reason == RepoErrorReason.Corrupt ? ErrorKind.Corrupt : ErrorKind.Repo;
}
