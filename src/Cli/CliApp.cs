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
        Exit codes: 0 ok, 1 error, 2 usage, 3 repo missing/locked/invalid, 4 not found, 5 corrupt data, 130 interrupted,
        141 stdout closed by its reader.
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
        root.Subcommands.Add(FilesCommand.Create());
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
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(RefsCommand.Create());
        root.Subcommands.Add(ShutdownCommand.Create());
        root.Subcommands.Add(BootstrapCommand.Create());
        root.Subcommands.Add(RoutingCommand.Create());
        root.Subcommands.Add(KeyCommand.Create());
        root.Subcommands.Add(NameCommand.Create());
        RootHelpAction.Install(root);
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        // `p2p add --help` parses with an error (the path is missing) but must still print the help.
        if (parse.Action is not (HelpAction or RootHelpAction) && UsageErrors.Describe(parse) is { } usage)
        {
            // One line and the usage exit code, rather than the full help text or one line per symptom.
            Console.Error.WriteLine($"Error: {usage}");
            return ExitCodes.Usage;
        }
        // SIGINT/SIGTERM cancel the action's token (Interruption, which also ends an action that cannot stop). The
        // daemon bounds its own stop to a few seconds (the API cuts the requests still running); a client command has
        // nothing worth waiting for. System.CommandLine's signal handling is off: it could not end a blocked action.
        // Its exception handler is off too, as it prints a stack trace: the caller (Program) prints one line instead.
        var daemon = parse.CommandResult.Command.Name == "daemon";
        using var interruption = new Interruption(TimeSpan.FromSeconds(daemon ? 10 : 2));
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        }, interruption.Token);
    }
}
