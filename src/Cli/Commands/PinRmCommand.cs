using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p pin rm`: removes pins; the blocks stay until `p2p repo gc`.</summary>
internal sealed class PinRmCommand
{
    private readonly Argument<string[]> _cids = new("cid") { Arity = ArgumentArity.OneOrMore, Description = "CIDs to unpin" };

    public static Command Create()
    {
        var rm = new PinRmCommand();
        var command = new Command("rm", "Remove pins; the blocks stay until `p2p repo gc`.\n\nExample:\n  p2p pin rm bafybei...") { rm._cids };
        DaemonRoute.SetAction(command, rm.OfflineAsync, rm.RemoteAsync);
        return command;
    }

    private List<Cid> Cids(ParseResult parse) => parse.GetValue(_cids)!.Select(CommandRunner.ParseCid).ToList();

    private static void Print(Output output, Cid cid) => output.Write($"unpinned {cid}", new { Pins = new[] { cid.ToString() } });

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var cids = Cids(parse);
        using var node = NodeAccess.Open(parse);
        var output = Output.For(parse);
        foreach (var cid in cids)
        {
            if (!node.Unpin(cid))
                throw new CliException($"{cid} is not pinned", ExitCodes.NotFound);
            Print(output, cid);
        }
        return Task.FromResult(ExitCodes.Ok);
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cids = Cids(parse);
        var output = Output.For(parse);
        foreach (var cid in cids)
        {
            await daemon.PostJsonAsync("pin/rm", [new("arg", cid.ToString())], ct);
            Print(output, cid);
        }
        return ExitCodes.Ok;
    }
}
