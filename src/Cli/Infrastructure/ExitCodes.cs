using P2P.Node.Errors;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// The process exit codes p2p documents in the README; scripts may rely on them. They are the error table's
/// (<see cref="ErrorTable"/>), named here for the commands that return one directly.
/// </summary>
internal static class ExitCodes
{
    public const int Ok = ExitCode.Ok;

    /// <summary>Anything else that went wrong (I/O, a full disk, an unreachable daemon).</summary>
    public const int Error = ExitCode.Error;

    /// <summary>The command line itself is wrong: unknown option, missing argument, malformed CID or address.</summary>
    public const int Usage = ExitCode.Usage;

    /// <summary>The repo is absent, locked by another process, or its config is invalid.</summary>
    public const int Repo = ExitCode.Repo;

    /// <summary>The content asked for is not held and could not be fetched.</summary>
    public const int NotFound = ExitCode.NotFound;

    /// <summary>Data failed verification: a corrupted block on disk or a bad block from a peer.</summary>
    public const int Corrupt = ExitCode.Corrupt;

    /// <summary>Interrupted by SIGINT/SIGTERM.</summary>
    public const int Interrupted = ExitCode.Interrupted;

    /// <summary>Standard output's reader went away (a closed pipe, `p2p cat CID | head`); nothing is printed.</summary>
    public const int ReaderGone = ExitCode.ReaderGone;
}
