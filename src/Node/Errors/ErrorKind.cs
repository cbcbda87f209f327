namespace P2P.Node.Errors;

/// <summary>
/// What kind of failure an error is, as far as the user and a script are concerned. Each kind has one row in
/// <see cref="ErrorTable"/>: the CLI's exit code, the HTTP status and kubo's error code. Kinds are about what the
/// user can do next, not about where the failure happened.
/// </summary>
public enum ErrorKind
{
    /// <summary>The content, pin, link or file asked for does not exist here (and could not be fetched).</summary>
    NotFound,

    /// <summary>Data failed verification: bytes that do not hash to their CID, an undecodable block, a damaged repo.</summary>
    Corrupt,

    /// <summary>The request itself is wrong: a malformed CID or address, a bad option, a file where a directory was needed.</summary>
    BadInput,

    /// <summary>Something needed is not reachable now: no daemon, a peer that does not answer, a timeout.</summary>
    Unavailable,

    /// <summary>The request contradicts what exists: a repo already initialised, a destination already present.</summary>
    Conflict,

    /// <summary>The repo stands in the way: absent, locked by another process, already there (init), of an unknown version, or misconfigured.</summary>
    Repo,

    /// <summary>The disk is full: nothing was half-written, but nothing more can be stored until space is freed.</summary>
    DiskFull,

    /// <summary>The caller may not do this (the API's host, origin and token checks).</summary>
    Forbidden,

    /// <summary>Reading or writing a local file failed for another reason (permissions, a device error).</summary>
    Io,

    /// <summary>The user stopped the command (SIGINT/SIGTERM), or the daemon is shutting down.</summary>
    Interrupted,

    /// <summary>A bug: nothing the user did explains it. Logged with its stack where it happened.</summary>
    Internal,
}
