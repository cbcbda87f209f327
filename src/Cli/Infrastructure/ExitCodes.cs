namespace P2P.Cli.Infrastructure;

/// <summary>The process exit codes p2p documents in the README; scripts may rely on them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Anything else that went wrong (I/O, a full disk, an unreachable daemon).</summary>
    public const int Error = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument, malformed CID or address.</summary>
    public const int Usage = 2;

    /// <summary>The repo is absent, locked by another process, or its config is invalid.</summary>
    public const int Repo = 3;

    /// <summary>The content asked for is not held and could not be fetched.</summary>
    public const int NotFound = 4;

    /// <summary>Data failed verification: a corrupted block on disk or a bad block from a peer.</summary>
    public const int Corrupt = 5;

    /// <summary>Interrupted by SIGINT/SIGTERM.</summary>
    public const int Interrupted = 130;
}
