using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p files chcid [--cid-version N] [--hash H] PATH`: a directory stored again with another CID version or hash.</summary>
internal sealed class FilesChcidCommand
{
    private readonly Argument<string> _path = new("path") { Description = "Directory to change (not /)" };
    private readonly FilesCommand.PrefixOptions _prefix = new();

    public static Command Create()
    {
        var chcid = new FilesChcidCommand();
        var command = new Command("chcid", "Change the CID version or hash function of a directory; new files in it follow.\n\nExample:\n  p2p files chcid --cid-version 1 /docs") { chcid._path };
        chcid._prefix.AddTo(command);
        DaemonRoute.SetAction(command, chcid.OfflineAsync, chcid.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var prefix = _prefix.Read(parse);
        using var node = NodeAccess.Open(parse);
        await node.Files.ChangeCidAsync(parse.GetValue(_path)!, prefix, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        _prefix.Read(parse);
        await FilesCommand.PostAsync(daemon, "files/chcid", [new("arg", parse.GetValue(_path)!), .. _prefix.Query(parse)], ct);
        return ExitCodes.Ok;
    }
}
