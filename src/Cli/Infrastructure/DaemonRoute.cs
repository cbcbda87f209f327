using System.CommandLine;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// The action of a command that works on the repo: while a daemon runs it holds the repo lock, so the command is sent
/// to its API (<c>remote</c>); otherwise the command opens the repo itself (<c>offline</c>). Both paths live in the
/// command's own file and print the same lines, so a script cannot tell whether a daemon answered.
/// </summary>
internal static class DaemonRoute
{
    /// <summary>
    /// Sets <paramref name="command"/>'s action. <paramref name="stayOffline"/> says, from the parsed command line,
    /// when no daemon is needed at all (`add --only-hash` stores nothing).
    /// </summary>
    public static void SetAction(
        Command command,
        Func<ParseResult, CancellationToken, Task<int>> offline,
        Func<ParseResult, DaemonClient, CancellationToken, Task<int>> remote,
        Func<ParseResult, bool>? stayOffline = null)
    {
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            if (stayOffline?.Invoke(parse) == true)
                return await offline(parse, ct);
            using var daemon = await DaemonClient.TryConnectAsync(RepoAccess.PathFor(parse), ct);
            return daemon is null ? await offline(parse, ct) : await remote(parse, daemon, ct);
        });
    }
}
