using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p files rm [-r] [--force] PATH...`.</summary>
internal sealed class FilesRmCommand
{
    private readonly Argument<string[]> _paths = new("path") { Description = "Files or directories to remove", Arity = ArgumentArity.OneOrMore };
    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "Recursively remove directories" };
    private readonly Option<bool> _force = new("--force") { Description = "Remove whatever is there, and say nothing when it is absent" };

    public static Command Create()
    {
        var rm = new FilesRmCommand();
        var command = new Command("rm", "Remove files or directories from the tree.\n\nExample:\n  p2p files rm -r /old") { rm._paths, rm._recursive, rm._force };
        DaemonRoute.SetAction(command, rm.OfflineAsync, rm.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        await node.Files.RemoveAsync(parse.GetValue(_paths)!, parse.GetValue(_recursive), parse.GetValue(_force), ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        await FilesCommand.PostAsync(daemon, "files/rm",
            [.. parse.GetValue(_paths)!.Select(p => new KeyValuePair<string, string>("arg", p)),
             FilesCommand.Flag("recursive", parse.GetValue(_recursive)), FilesCommand.Flag("force", parse.GetValue(_force))], ct);
        return ExitCodes.Ok;
    }
}
