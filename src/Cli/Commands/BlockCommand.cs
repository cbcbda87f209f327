using System.CommandLine;

namespace P2P.Cli.Commands;

/// <summary>`p2p block get|put|stat`: single raw blocks, verified on the way in and out.</summary>
internal static class BlockCommand
{
    public static Command Create()
    {
        var command = new Command("block", "Read and write raw blocks.\n\nExamples:\n  echo hi | p2p block put\n  p2p block get bafkrei... > block.bin");
        command.Subcommands.Add(BlockGetCommand.Create());
        command.Subcommands.Add(BlockPutCommand.Create());
        command.Subcommands.Add(BlockStatCommand.Create());
        command.Subcommands.Add(BlockRmCommand.Create());
        return command;
    }
}
