namespace P2P.Cli.Infrastructure;

/// <summary>An error meant for the user: its message is printed as one line on stderr with the given exit code.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
