using System.CommandLine;

namespace P2P.Cli.Commands;

/// <summary>`p2p pin add|rm|ls|verify`: what garbage collection must keep, and whether it is all there.</summary>
internal static class PinCommand
{
    public static Command Create()
    {
        var command = new Command("pin", "Keep content from garbage collection.\n\nExamples:\n  p2p pin add bafybei...\n  p2p pin ls --type recursive\n  p2p pin verify");
        command.Subcommands.Add(PinAddCommand.Create());
        command.Subcommands.Add(PinRmCommand.Create());
        command.Subcommands.Add(PinLsCommand.Create());
        command.Subcommands.Add(PinVerifyCommand.Create());
        return command;
    }
}
