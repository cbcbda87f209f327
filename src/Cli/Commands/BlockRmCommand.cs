using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p block rm [-f] [-q] CID...`: kubo's block rm (<see cref="BlockRemoval"/>). A block a pin needs is refused with
/// kubo's reason (<c>pinned: recursive</c>, <c>pinned via ROOT</c>); each refusal is a line on stderr and the command
/// ends with "some blocks not removed", exit 1, as kubo.
/// </summary>
internal sealed class BlockRmCommand
{
    private readonly Argument<string[]> _cids = new("cid") { Description = "CIDs of the blocks to remove", Arity = ArgumentArity.OneOrMore };
    private readonly Option<bool> _force = new("--force", "-f") { Description = "Ignore blocks the repo does not hold" };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print only errors" };

    public static Command Create()
    {
        var rm = new BlockRmCommand();
        var command = new Command("rm", "Remove blocks from the repo; pinned blocks are refused.\n\nExample:\n  p2p block rm bafkrei...")
        {
            rm._cids, rm._force, rm._quiet,
        };
        DaemonRoute.SetAction(command, rm.OfflineAsync, rm.RemoteAsync);
        return command;
    }

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var cids = parse.GetValue(_cids)!.Select(CommandRunner.ParseCid).ToList();
        using var node = NodeAccess.Open(parse);
        var results = BlockRemoval.Remove(node.Repo, cids, parse.GetValue(_force), ct)
            .Where(r => r.Error is not null || !parse.GetValue(_quiet))
            .Select(r => (Hash: r.Cid.ToString(), r.Error));
        return Task.FromResult(Print(parse, results));
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cids = parse.GetValue(_cids)!.Select(CommandRunner.ParseCid).ToList();
        var query = cids.Select(c => new KeyValuePair<string, string>("arg", c.ToString())).ToList();
        if (parse.GetValue(_force))
            query.Add(new("force", "true"));
        if (parse.GetValue(_quiet))
            query.Add(new("quiet", "true"));
        var results = new List<(string Hash, string? Error)>();
        await foreach (var line in daemon.PostLinesAsync("block/rm", query, ct))
            results.Add((line.GetProperty("Hash").GetString() ?? "", line.TryGetProperty("Error", out var e) ? e.GetString() : null));
        return Print(parse, results);
    }

    private static int Print(ParseResult parse, IEnumerable<(string Hash, string? Error)> results)
    {
        var output = Output.For(parse);
        var failed = false;
        foreach (var (hash, error) in results)
        {
            if (error is null)
            {
                output.Write($"removed {hash}", new { Hash = hash });
                continue;
            }
            failed = true;
            if (output.Json)
                output.Write("", new { Hash = hash, Error = error });
            else
                Console.Error.WriteLine($"cannot remove {hash}: {error}");
        }
        if (!failed)
            return ExitCodes.Ok;
        Console.Error.WriteLine("Error: some blocks not removed");
        return ExitCodes.Error;
    }
}
