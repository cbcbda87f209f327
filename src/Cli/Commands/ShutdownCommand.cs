using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p shutdown`: asks the running daemon to stop cleanly (kubo's `ipfs shutdown`); it then releases the repo.</summary>
internal static class ShutdownCommand
{
    public static Command Create()
    {
        var command = new Command("shutdown", "Stop the running daemon cleanly.\n\nExample:\n  p2p shutdown");
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            using var response = await daemon.PostStreamAsync("shutdown", null, ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
