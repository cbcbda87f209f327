using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p files cp [-p] [--force] SOURCE DEST`: SOURCE is an MFS path or /ipfs/CID[/...]; nothing is copied, the node is linked.</summary>
internal sealed class FilesCpCommand
{
    private readonly Argument<string> _source = new("source") { Description = "An MFS path, or /ipfs/CID[/...]" };
    private readonly Argument<string> _destination = new("dest") { Description = "Where to put it (ending in / keeps the source's name)" };
    private readonly Option<bool> _parents = new("--parents", "-p") { Description = "Make parent directories as needed" };
    private readonly Option<bool> _force = new("--force") { Description = "Replace an existing file at the destination" };

    public static Command Create()
    {
        var cp = new FilesCpCommand();
        var command = new Command("cp", "Put content from IPFS, or another path of the tree, at a path of the tree.\n\nExamples:\n  p2p files cp /ipfs/bafy... /site\n  p2p files cp /a/file /b/")
        {
            cp._source, cp._destination, cp._parents, cp._force,
        };
        DaemonRoute.SetAction(command, cp.OfflineAsync, cp.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        await node.Files.CopyAsync(parse.GetValue(_source)!, parse.GetValue(_destination)!, parse.GetValue(_parents), parse.GetValue(_force), null, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        await FilesCommand.PostAsync(daemon, "files/cp",
            [new("arg", parse.GetValue(_source)!), new("arg", parse.GetValue(_destination)!),
             FilesCommand.Flag("parents", parse.GetValue(_parents)), FilesCommand.Flag("force", parse.GetValue(_force))], ct);
        return ExitCodes.Ok;
    }
}
