using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>`p2p files ls [-l] [-U] [PATH]`: names sorted (kubo sorts unless -U); -l adds the CID and size, a "/" after directories.</summary>
internal sealed class FilesLsCommand
{
    private readonly Argument<string?> _path = new("path") { Description = "Directory or file to list (default /)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> _long = new("--long", "-l") { Description = "Use long listing format" };
    private readonly Option<bool> _unsorted = new("-U") { Description = "Do not sort; list entries in directory order" };

    public static Command Create()
    {
        var ls = new FilesLsCommand();
        var command = new Command("ls", "List a directory of the tree.\n\nExample:\n  p2p files ls -l /docs") { ls._path, ls._long, ls._unsorted };
        DaemonRoute.SetAction(command, ls.OfflineAsync, ls.RemoteAsync);
        return command;
    }

    private string Path(ParseResult parse) => MfsPath.Check(parse.GetValue(_path) ?? "/");

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var path = Path(parse);
        using var node = NodeAccess.Open(parse);
        Print(parse, await node.Files.ListAsync(path, parse.GetValue(_long), ct));
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("files/ls", [new("arg", Path(parse)), FilesCommand.Flag("long", parse.GetValue(_long))], ct);
        var entries = new List<MfsListing>();
        if (answer.TryGetProperty("Entries", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in list.EnumerateArray())
                entries.Add(new MfsListing(e.GetProperty("Name").GetString() ?? "", e.GetProperty("Type").GetInt32(),
                    e.GetProperty("Size").GetInt64(), e.GetProperty("Hash").GetString() ?? ""));
        }
        Print(parse, entries);
        return ExitCodes.Ok;
    }

    private void Print(ParseResult parse, IReadOnlyList<MfsListing> entries)
    {
        var output = Output.For(parse);
        if (output.Json)
        {
            output.Write("", new { Entries = entries.Select(e => new { e.Name, e.Type, e.Size, e.Hash }) });
            return;
        }
        IEnumerable<MfsListing> shown = parse.GetValue(_unsorted) ? entries : entries.OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var e in shown)
            output.Line(parse.GetValue(_long) ? $"{e.Name}{(e.Type == MfsListing.DirectoryType ? "/" : "")}\t{e.Hash}\t{e.Size}" : e.Name);
    }
}
