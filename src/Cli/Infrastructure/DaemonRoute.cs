using System.CommandLine;
using P2P.Node.Hosting;

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
            var timeout = Timeout(parse);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            try
            {
                if (stayOffline?.Invoke(parse) == true)
                {
                    Arm(timer, timeout, TimeSpan.Zero);
                    return await offline(parse, timer.Token);
                }
                using var daemon = await DaemonClient.TryConnectAsync(RepoAccess.PathFor(parse), ct);
                if (daemon is null)
                {
                    Arm(timer, timeout, TimeSpan.Zero);
                    return await offline(parse, timer.Token);
                }
                // The daemon applies the timeout itself and says so; the CLI's own timer is a late backstop.
                daemon.RequestTimeout = timeout;
                Arm(timer, timeout, DaemonGrace);
                return await remote(parse, daemon, timer.Token);
            }
            catch (OperationCanceledException) when (timer.IsCancellationRequested && !ct.IsCancellationRequested && timeout is { } t)
            {
                throw FetchTimeout.Exception(t);
            }
        });
    }

    /// <summary>How much later than the daemon the CLI gives up on its own, so the daemon's answer wins the race.</summary>
    private static readonly TimeSpan DaemonGrace = TimeSpan.FromSeconds(5);

    /// <summary>The global --timeout, or null for none; a value that is not a duration is a usage error.</summary>
    private static TimeSpan? Timeout(ParseResult parse)
    {
        var text = parse.GetValue(GlobalOptions.Timeout);
        if (text is null)
            return null;
        return GoDuration.TryParse(text, out var value)
            ? value
            : throw new CliException($"invalid --timeout '{text}': use a duration such as 30s or 2m", ExitCodes.Usage);
    }

    private static void Arm(CancellationTokenSource timer, TimeSpan? timeout, TimeSpan grace)
    {
        if (timeout is { } t)
            timer.CancelAfter(t + grace);
    }
}
