using System.CommandLine;

namespace P2P.Cli.Commands;

/// <summary>`p2p repo stat|verify|gc`.</summary>
internal static class RepoCommand
{
    public static Command Create()
    {
        var command = new Command("repo", "Inspect and maintain the repo.\n\nExamples:\n  p2p repo stat\n  p2p repo verify\n  p2p repo gc");
        command.Subcommands.Add(RepoStatCommand.Create());
        command.Subcommands.Add(RepoVerifyCommand.Create());
        command.Subcommands.Add(RepoGcCommand.Create());
        return command;
    }
}
