using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p files flush [PATH]`: every change is written through at once, so this checks the path and prints its CID
/// (kubo's answer is <c>{"Cid"}</c>).
/// </summary>
internal sealed class FilesFlushCommand
{
    private readonly Argument<string?> _path = new("path") { Description = "Path to flush (default /)", Arity = ArgumentArity.ZeroOrOne };

    public static Command Create()
    {
        var flush = new FilesFlushCommand();
        var command = new Command("flush", "Make sure a path is on disk and print its CID.\n\nExample:\n  p2p files flush /") { flush._path };
        DaemonRoute.SetAction(command, flush.OfflineAsync, flush.RemoteAsync);
        return command;
    }

    private string Path(ParseResult parse) => MfsPath.Check(parse.GetValue(_path) ?? "/");

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var path = Path(parse);
        using var node = NodeAccess.Open(parse);
        Print(parse, (await node.Files.FlushAsync(path, ct)).ToString());
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("files/flush", [new("arg", Path(parse))], ct);
        Print(parse, answer.GetProperty("Cid").GetString() ?? "");
        return ExitCodes.Ok;
    }

    private static void Print(ParseResult parse, string cid) => Output.For(parse).Write(cid, new { Cid = cid });
}
