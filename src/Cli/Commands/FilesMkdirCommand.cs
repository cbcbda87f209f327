using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>`p2p files mkdir [-p] PATH`.</summary>
internal sealed class FilesMkdirCommand
{
    private readonly Argument<string> _path = new("path") { Description = "Directory to create, starting with /" };
    private readonly Option<bool> _parents = new("--parents", "-p") { Description = "No error if it exists; make parent directories as needed" };
    private readonly FilesCommand.PrefixOptions _prefix = new();

    public static Command Create()
    {
        var mkdir = new FilesMkdirCommand();
        var command = new Command("mkdir", "Make a directory.\n\nExample:\n  p2p files mkdir -p /a/b/c") { mkdir._path, mkdir._parents };
        mkdir._prefix.AddTo(command);
        DaemonRoute.SetAction(command, mkdir.OfflineAsync, mkdir.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var path = MfsPath.Check(parse.GetValue(_path));
        var prefix = _prefix.Read(parse);
        using var node = NodeAccess.Open(parse);
        await node.Files.MkdirAsync(path, parse.GetValue(_parents), prefix, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var path = MfsPath.Check(parse.GetValue(_path));
        _prefix.Read(parse);
        await FilesCommand.PostAsync(daemon, "files/mkdir",
            [new("arg", path), FilesCommand.Flag("parents", parse.GetValue(_parents)), .. _prefix.Query(parse)], ct);
        return ExitCodes.Ok;
    }
}
