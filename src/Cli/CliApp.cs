using System.CommandLine;
using System.CommandLine.Help;
using P2P.Cli.Commands;
using P2P.Cli.Infrastructure;

namespace P2P.Cli;

/// <summary>
/// Builds the command tree and runs it. Each command lives in its own file under Commands/, with its offline path
/// and, for the content and repo commands, its daemon path: while a daemon runs (it holds the repo lock) they are
/// sent to its API instead of opening the repo (<see cref="DaemonRoute"/>).
/// </summary>
internal static class CliApp
{
    /// <summary>The exit codes are part of the interface (scripts test them), so the top-level help lists them.</summary>
    private const string RootDescription = """
        p2p: a content-addressed peer-to-peer chunk network (CIDs identical to kubo's).
        Commands that print data take --enc json: one JSON object per line, kubo's field names.
        Exit codes: 0 ok, 1 error, 2 usage, 3 repo missing/locked/invalid, 4 not found, 5 corrupt data, 130 interrupted.
        """;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(RootDescription);
        root.Options.Add(GlobalOptions.Repo);
        root.Options.Add(GlobalOptions.Encoding);
        root.Options.Add(GlobalOptions.Timeout);
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(AddCommand.Create());
        root.Subcommands.Add(CatCommand.Create());
        root.Subcommands.Add(GetCommand.Create());
        root.Subcommands.Add(LsCommand.Create());
        root.Subcommands.Add(PinCommand.Create());
        root.Subcommands.Add(BlockCommand.Create());
        root.Subcommands.Add(RepoCommand.Create());
        root.Subcommands.Add(DagCommand.Create());
        root.Subcommands.Add(DaemonCommand.Create());
        root.Subcommands.Add(IdCommand.Create());
        root.Subcommands.Add(SwarmCommand.Create());
        root.Subcommands.Add(PingCommand.Create());
        root.Subcommands.Add(DhtCommand.Create());
        root.Subcommands.Add(BitswapCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(CompletionCommand.Create());
        RootHelpAction.Install(root);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        // `p2p add --help` parses with an error (the path is missing) but must still print the help.
        if (parse.Errors.Count > 0 && parse.Action is not (HelpAction or RootHelpAction))
        {
            // One line per problem and the usage exit code, rather than the full help text.
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"Error: {error.Message}");
            return ExitCodes.Usage;
        }
        // SIGINT/SIGTERM cancel the action's token; the daemon needs more than the default 2 s to save its table,
        // stop the API and release the repo before the process is ended.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
    }
}
