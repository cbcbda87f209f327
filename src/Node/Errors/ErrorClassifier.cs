namespace P2P.Node.Errors;

/// <summary>
/// Turns any exception into a <see cref="UserError"/>: the one place where .NET's exceptions get a kind and a
/// sentence, used by the CLI's offline path, the API and the gateway alike. A <see cref="P2PException"/> already
/// carries both; the BCL's get the kind that matches what the user can do about them; anything else is a bug and
/// says "internal error" without naming its type (the stack goes to the log, or to stderr with P2P_DEBUG=1).
/// </summary>
public static class ErrorClassifier
{
    /// <summary>errno ENOSPC on Linux and macOS; .NET puts the raw errno in IOException.HResult on Unix.</summary>
    public const int Enospc = 28;

    /// <summary>ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL as HRESULTs, for Windows.</summary>
    private const int WinDiskFull = unchecked((int)0x80070070);
    private const int WinHandleDiskFull = unchecked((int)0x80070027);

    /// <param name="e">The failure.</param>
    /// <param name="interrupted">
    /// Whether the caller's own token was cancelled (SIGINT, a client that left): only then is an
    /// <see cref="OperationCanceledException"/> an interruption; otherwise it is a timeout inside the operation.
    /// </param>
    public static UserError Classify(Exception e, bool interrupted = false) => e switch
    {
        P2PException p => new(p.Kind, p.Message),
        OperationCanceledException when interrupted => new(ErrorKind.Interrupted, "interrupted"),
        OperationCanceledException or TimeoutException => new(ErrorKind.Unavailable, "timed out before the operation finished"),
        FileNotFoundException fnf => new(ErrorKind.NotFound, fnf.FileName is { } file ? $"no such file: {file}" : fnf.Message),
        DirectoryNotFoundException dnf => new(ErrorKind.NotFound, dnf.Message),
        FormatException bad => new(ErrorKind.BadInput, bad.Message),
        ArgumentException bad => new(ErrorKind.BadInput, WithoutParameter(bad)),
        InvalidDataException bad => new(ErrorKind.Corrupt, bad.Message),
        IOException io when IsDiskFull(io) => new(ErrorKind.DiskFull, io.Message),
        IOException io => new(ErrorKind.Io, io.Message),
        UnauthorizedAccessException denied => new(ErrorKind.Io, denied.Message),
        _ => new(ErrorKind.Internal, $"internal error: {e.Message}"),
    };

    /// <summary>Whether <paramref name="e"/>, or the error it wraps, is a full disk.</summary>
    public static bool IsDiskFull(IOException e) =>
        e.HResult is Enospc or WinDiskFull or WinHandleDiskFull || (e.InnerException is IOException inner && IsDiskFull(inner));

    /// <summary>An ArgumentException's message without the " (Parameter 'x')" that .NET appends for developers.</summary>
    private static string WithoutParameter(ArgumentException e)
    {
        var suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }
}
