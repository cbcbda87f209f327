using System.CommandLine;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Runs a command's action and turns every failure into one line on stderr and a documented exit code.
/// A stack trace is printed only with P2P_DEBUG=1: users get a sentence, developers can still get the rest.
/// </summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct);
            }
            catch (Exception ex)
            {
                return Fail(ex, ct);
            }
        });
    }

    public static int Fail(Exception ex, CancellationToken ct)
    {
        var (code, message) = Classify(ex, ct);
        Console.Error.WriteLine($"Error: {message}");
        if (Environment.GetEnvironmentVariable("P2P_DEBUG") == "1")
            Console.Error.WriteLine(ex);
        return code;
    }

    private static (int Code, string Message) Classify(Exception ex, CancellationToken ct) => ex switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        RepoException { Reason: RepoErrorReason.Corrupt } damaged => (ExitCodes.Corrupt, damaged.Message),
        RepoException repo => (ExitCodes.Repo, repo.Message),
        OperationCanceledException when ct.IsCancellationRequested => (ExitCodes.Interrupted, "interrupted"),
        BlockNotFoundException nf => (ExitCodes.NotFound, nf.Message),
        CorruptBlockException bad => (ExitCodes.Corrupt, bad.Message),
        FormatException fe => (ExitCodes.Usage, fe.Message),
        InvalidDataException bad => (ExitCodes.Corrupt, bad.Message),
        FileNotFoundException fnf => (ExitCodes.Error, $"no such file: {fnf.FileName ?? fnf.Message}"),
        DirectoryNotFoundException dnf => (ExitCodes.Error, dnf.Message),
        UnauthorizedAccessException ua => (ExitCodes.Error, ua.Message),
        IOException io => (ExitCodes.Error, io.Message),
        _ => (ExitCodes.Error, $"{ex.GetType().Name}: {ex.Message}"),
    };

    /// <summary>Parses a CID argument, or fails with a usage error naming what is wrong.</summary>
    public static Cid ParseCid(string text)
    {
        if (!Cid.TryParse(text, out var cid, out var error))
            throw new CliException($"invalid CID '{Shorten(text)}': {error}", ExitCodes.Usage);
        return cid!;
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
