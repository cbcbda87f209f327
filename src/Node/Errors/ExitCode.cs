namespace P2P.Node.Errors;

/// <summary>The process exit codes the README documents; scripts rely on them, so they never change meaning.</summary>
public static class ExitCode
{
    public const int Ok = 0;

    /// <summary>Anything else that went wrong (I/O, a full disk, an unreachable daemon or peer, a bug).</summary>
    public const int Error = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument, malformed CID or address.</summary>
    public const int Usage = 2;

    /// <summary>The repo is absent, locked by another process, or its config is invalid.</summary>
    public const int Repo = 3;

    /// <summary>The content asked for is not held and could not be fetched.</summary>
    public const int NotFound = 4;

    /// <summary>Data failed verification: a corrupted block on disk or a bad block from a peer.</summary>
    public const int Corrupt = 5;

    /// <summary>Interrupted by SIGINT/SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Standard output's reader went away, as in `p2p cat CID | head` (128 + SIGPIPE, what shells report for a program a
    /// closed pipe stopped): the command stops at once and prints nothing.
    /// </summary>
    public const int ReaderGone = 141;
}
