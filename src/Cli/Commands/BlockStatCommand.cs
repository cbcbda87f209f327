using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p block stat`: a block's CID and size, if the repo holds it.</summary>
internal sealed class BlockStatCommand
{
    private readonly Argument<string> _cid = new("cid") { Description = "CID of the block" };

    public static Command Create()
    {
        var stat = new BlockStatCommand();
        var command = new Command("stat", "Print a block's size.\n\nExample:\n  p2p block stat bafkrei...") { stat._cid };
        DaemonRoute.SetAction(command, stat.OfflineAsync, stat.RemoteAsync);
        return command;
    }

    private Cid Cid(ParseResult parse) => CommandRunner.ParseCid(parse.GetValue(_cid)!);

    private static void Print(ParseResult parse, Cid cid, int size) =>
        Output.For(parse).Write($"Key: {cid}\nSize: {size}", new { Key = cid.ToString(), Size = size });

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var cid = Cid(parse);
        using var node = NodeAccess.Open(parse);
        var size = node.Blocks.GetSize(cid);
        if (size < 0)
            throw new CliException($"block {cid} is not in the repo", ExitCodes.NotFound);
        Print(parse, cid, size);
        return Task.FromResult(ExitCodes.Ok);
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cid = Cid(parse);
        var answer = await daemon.PostJsonAsync("block/stat", [new("arg", cid.ToString())], ct);
        Print(parse, cid, answer.GetProperty("Size").GetInt32());
        return ExitCodes.Ok;
    }
}
