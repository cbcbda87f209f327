using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting.Local;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p block get`: one block's bytes to stdout (through a daemon, fetched from the swarm if need be).</summary>
internal sealed class BlockGetCommand
{
    private readonly Argument<string> _cid = new("cid") { Description = "CID of the block" };

    public static Command Create()
    {
        var get = new BlockGetCommand();
        var command = new Command("get", "Write a block's bytes to stdout.\n\nExample:\n  p2p block get bafkrei... > block.bin") { get._cid };
        DaemonRoute.SetAction(command, get.OfflineAsync, get.RemoteAsync);
        return command;
    }

    private Cid Cid(ParseResult parse) => CommandRunner.ParseCid(parse.GetValue(_cid)!);

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var cid = Cid(parse);
        using var node = NodeAccess.Open(parse);
        var data = await node.Getter.GetBlockAsync(cid, ct);
        await using var stdout = new StdoutStream();
        await stdout.WriteAsync(data, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cid = Cid(parse);
        if (LocalChannelClient.TryRun(daemon, new LocalRequest { Op = "block/get", Args = [cid.ToString()] }, 1, null, ct))
            return ExitCodes.Ok;
        using var response = await daemon.PostStreamAsync("block/get", [new("arg", cid.ToString())], ct);
        await using var stdout = new StdoutStream();
        await response.Content.CopyToAsync(stdout, ct);
        return ExitCodes.Ok;
    }
}
