using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p files mv SOURCE DEST`: onto a file replaces it, onto a directory moves into it (boxo mfs.Mv).</summary>
internal sealed class FilesMvCommand
{
    private readonly Argument<string> _source = new("source") { Description = "Path to move" };
    private readonly Argument<string> _destination = new("dest") { Description = "New path, or a directory to move into" };

    public static Command Create()
    {
        var mv = new FilesMvCommand();
        var command = new Command("mv", "Move or rename a file or directory of the tree.\n\nExample:\n  p2p files mv /a/b/c /d/newc") { mv._source, mv._destination };
        DaemonRoute.SetAction(command, mv.OfflineAsync, mv.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        await node.Files.MoveAsync(parse.GetValue(_source)!, parse.GetValue(_destination)!, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        await FilesCommand.PostAsync(daemon, "files/mv", [new("arg", parse.GetValue(_source)!), new("arg", parse.GetValue(_destination)!)], ct);
        return ExitCodes.Ok;
    }
}
