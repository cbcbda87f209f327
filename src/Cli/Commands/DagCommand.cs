using System.CommandLine;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p dag export|import`: whole DAGs as CARv1 files (ipld.io/specs/transport/car/carv1), interchangeable with
/// kubo's `ipfs dag export|import` and the JavaScript @ipld/car. The node's CAR code does the work; the subcommands
/// parse and print, with kubo's output lines.
/// </summary>
internal static class DagCommand
{
    public static Command Create()
    {
        var command = new Command("dag", "Move whole DAGs in and out as CAR files.\n\nExamples:\n  p2p dag export bafybei... -o site.car\n  p2p dag import site.car");
        command.Subcommands.Add(DagExportCommand.Create());
        command.Subcommands.Add(DagImportCommand.Create());
        command.Subcommands.Add(DagGetCommand.Create());
        command.Subcommands.Add(DagStatCommand.Create());
        return command;
    }
}
