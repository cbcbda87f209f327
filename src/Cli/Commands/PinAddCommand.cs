using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p pin add`: pins content whose whole DAG is in the repo (through a daemon, fetched first if need be).</summary>
internal sealed class PinAddCommand
{
    private readonly Argument<string[]> _cids = new("cid") { Arity = ArgumentArity.OneOrMore, Description = "CIDs to pin" };
    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "Pin the whole DAG (default true); false pins one block", DefaultValueFactory = _ => true };
    private readonly Option<bool> _progress = new("--progress") { Description = "Show the blocks fetched so far on stderr (default: when it is a terminal)" };

    public static Command Create()
    {
        var add = new PinAddCommand();
        var command = new Command("add", "Pin content (the whole DAG must be in the repo).\n\nExample:\n  p2p pin add bafybei...") { add._cids, add._recursive, add._progress };
        DaemonRoute.SetAction(command, add.OfflineAsync, add.RemoteAsync);
        return command;
    }

    private List<Cid> Cids(ParseResult parse) => parse.GetValue(_cids)!.Select(CommandRunner.ParseCid).ToList();

    /// <summary>kubo's pin add progress counts blocks (DAG nodes), not bytes: the total is not known ahead.</summary>
    private ProgressBar Bar(ParseResult parse) =>
        ProgressBar.ForCommand("pinning", 0, parse.GetValue(_progress), n => n == 1 ? "1 block" : $"{n} blocks");

    private static void Print(Output output, Cid cid, bool recursive) =>
        output.Write($"pinned {cid} {(recursive ? "recursively" : "directly")}", new { Pins = new[] { cid.ToString() } });

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var cids = Cids(parse);
        var recursive = parse.GetValue(_recursive);
        using var node = NodeAccess.Open(parse);
        var output = Output.For(parse);
        using var bar = Bar(parse);
        foreach (var cid in cids)
        {
            var part = bar.Part();
            await node.PinAsync(cid, recursive, new CountingBlockGetter(node.Getter, part), ct);
            bar.WriteAbove(() => Print(output, cid, recursive));
        }
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cids = Cids(parse);
        var recursive = parse.GetValue(_recursive);
        var output = Output.For(parse);
        using var bar = Bar(parse);
        foreach (var cid in cids)
        {
            if (!bar.Enabled)
            {
                await daemon.PostJsonAsync("pin/add", [new("arg", cid.ToString()), new("recursive", recursive ? "true" : "false")], ct);
                Print(output, cid, recursive);
                continue;
            }
            // kubo's progress=true: {"Progress": blocks so far} lines, then {"Pins": [...]}.
            var part = bar.Part();
            await foreach (var line in daemon.PostLinesAsync("pin/add", [new("arg", cid.ToString()), new("recursive", recursive ? "true" : "false"), new("progress", "true")], ct))
            {
                if (line.TryGetProperty("Progress", out var blocks) && blocks.TryGetInt64(out var n))
                    part.Report(n);
            }
            bar.WriteAbove(() => Print(output, cid, recursive));
        }
        return ExitCodes.Ok;
    }
}
