using System.CommandLine;
using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Runs a command's action and turns every failure into one line on stderr and a documented exit code.
/// A stack trace is printed only with P2P_DEBUG=1: users get a sentence, developers can still get the rest.
/// </summary>
internal static class CommandRunner
{
    private static int _running;

    /// <summary>Whether a command's action started and has not returned (its own error line not yet printed).</summary>
    public static bool Running => Volatile.Read(ref _running) != 0;

    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, ct) =>
        {
            Volatile.Write(ref _running, 1);
            try
            {
                return await action(parse, ct);
            }
            catch (Exception ex)
            {
                return Fail(ex, ct);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        });
    }

    public static int Fail(Exception ex, CancellationToken ct)
    {
        // Whoever read our output has what it wanted (`| head`); a line on stderr would only be noise.
        if (ex is CliException { ExitCode: ExitCodes.ReaderGone })
            return ExitCodes.ReaderGone;
        var (code, message) = Classify(ex, ct);
        Console.Error.WriteLine($"Error: {message}");
        if (Environment.GetEnvironmentVariable("P2P_DEBUG") == "1")
            Console.Error.WriteLine(ex);
        return code;
    }

    /// <summary>
    /// The exit code and sentence for a failure: a <see cref="CliException"/> says both itself; everything else,
    /// including an error the daemon answered (<see cref="DaemonClient"/> rebuilds it as a <see cref="P2PException"/>
    /// of the same kind), goes through the node's one classifier and the error table.
    /// </summary>
    internal static (int Code, string Message) Classify(Exception ex, CancellationToken ct)
    {
        if (ex is CliException cli)
            return (cli.ExitCode, cli.Message);
        var error = ErrorClassifier.Classify(ex, interrupted: ct.IsCancellationRequested);
        var message = error.Kind == ErrorKind.Internal && Environment.GetEnvironmentVariable("P2P_DEBUG") != "1"
            ? error.Sentence + " (P2P_DEBUG=1 prints the stack)"
            : error.Sentence;
        return (error.Row.ExitCode, message);
    }

    /// <summary>Parses a CID argument, or fails with a usage error naming what is wrong.</summary>
    public static Cid ParseCid(string text)
    {
        if (!Cid.TryParse(text, out var cid, out var error))
            throw new CliException($"invalid CID '{Shorten(text)}': {error}", ExitCodes.Usage);
        return cid!;
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
