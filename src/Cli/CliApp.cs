using System.CommandLine;
using P2P.Cli.Commands;
using P2P.Cli.Infrastructure;

namespace P2P.Cli;

/// <summary>Builds the command tree and runs it. Each command lives in its own file under Commands/.</summary>
internal static class CliApp
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("p2p: a content-addressed peer-to-peer chunk network (CIDs identical to kubo's)");
        root.Options.Add(GlobalOptions.Repo);
        root.Options.Add(GlobalOptions.Encoding);
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(AddCommand.Create());
        root.Subcommands.Add(CatCommand.Create());
        root.Subcommands.Add(GetCommand.Create());
        root.Subcommands.Add(LsCommand.Create());
        root.Subcommands.Add(PinCommand.Create());
        root.Subcommands.Add(BlockCommand.Create());
        root.Subcommands.Add(RepoCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem and the usage exit code, rather than the full help text.
            foreach (var error in parse.Errors)
                Console.Error.WriteLine($"Error: {error.Message}");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync();
    }
}
