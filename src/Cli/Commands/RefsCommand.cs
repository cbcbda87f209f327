using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Errors;
using P2P.Node.Hosting;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p refs [-r] [-u] [--format F] [-e] [--max-depth N] PATH...` and `p2p refs local`: kubo's refs, walked by
/// <see cref="RefsWalk"/> offline and by the daemon (which fetches what the repo lacks). `--enc json` prints kubo's
/// <c>{"Ref","Err"}</c> lines.
/// </summary>
internal sealed class RefsCommand
{
    private readonly Argument<string[]> _paths = new("path") { Description = "CID or CID/path of a DAG", Arity = ArgumentArity.OneOrMore };
    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "List the links of the links, all the way down" };
    private readonly Option<bool> _unique = new("--unique", "-u") { Description = "Omit duplicate refs" };
    private readonly Option<string?> _format = new("--format") { Description = "Line format; tokens <src> <dst> <linkname> (default <dst>)" };
    private readonly Option<bool> _edges = new("--edges", "-e") { Description = "Print edges as `<src> -> <dst>`" };
    private readonly Option<int> _maxDepth = new("--max-depth") { Description = "With -r, go at most this deep (-1: no limit)", DefaultValueFactory = _ => -1 };

    public static Command Create()
    {
        var refs = new RefsCommand();
        var command = new Command("refs", "List the links below a DAG's root (kubo's `ipfs refs`).\n\nExamples:\n  p2p refs bafybei...\n  p2p refs -r --unique bafybei...\n  p2p refs -r --format '<src> <dst> <linkname>' bafybei...\n  p2p refs local")
        {
            refs._paths, refs._recursive, refs._unique, refs._format, refs._edges, refs._maxDepth,
        };
        DaemonRoute.SetAction(command, refs.OfflineAsync, refs.RemoteAsync);
        var local = new Command("local", "List every block the repo holds, as raw CIDv1 (kubo's `ipfs refs local`).\n\nExample:\n  p2p refs local");
        DaemonRoute.SetAction(local, LocalOfflineAsync, LocalRemoteAsync);
        command.Subcommands.Add(local);
        return command;
    }

    private RefsWalk Walk(ParseResult parse)
    {
        try
        {
            return new RefsWalk(parse.GetValue(_recursive), parse.GetValue(_unique), parse.GetValue(_maxDepth), parse.GetValue(_format), parse.GetValue(_edges));
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.Usage);
        }
    }

    private string[] Paths(ParseResult parse)
    {
        var paths = parse.GetValue(_paths)!;
        foreach (var path in paths)
            PathArgument.Validate(path);
        return paths;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var walk = Walk(parse);
        var paths = Paths(parse);
        using var node = NodeAccess.Open(parse);
        var output = Output.For(parse);
        foreach (var path in paths)
        {
            var root = await node.Exporter.ResolveAsync(path, ct);
            await foreach (var line in walk.WalkAsync(root, node.Getter, ct))
                Print(output, line);
        }
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        Walk(parse);
        var query = Paths(parse).Select(p => new KeyValuePair<string, string>("arg", p)).ToList();
        if (parse.GetValue(_recursive))
            query.Add(new("recursive", "true"));
        if (parse.GetValue(_unique))
            query.Add(new("unique", "true"));
        if (parse.GetValue(_edges))
            query.Add(new("edges", "true"));
        if (parse.GetValue(_format) is { } format)
            query.Add(new("format", format));
        query.Add(new("max-depth", parse.GetValue(_maxDepth).ToString(CultureInfo.InvariantCulture)));
        await PrintLinesAsync(Output.For(parse), daemon.PostLinesAsync("refs", query, ct));
        return ExitCodes.Ok;
    }

    private static Task<int> LocalOfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var output = Output.For(parse);
        foreach (var cid in RefsWalk.Local(node.Blocks))
            Print(output, cid);
        return Task.FromResult(ExitCodes.Ok);
    }

    private static async Task<int> LocalRemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        await PrintLinesAsync(Output.For(parse), daemon.PostLinesAsync("refs/local", null, ct));
        return ExitCodes.Ok;
    }

    /// <summary>The daemon's lines; an <c>Err</c> line ends the command with the error the offline walk would have thrown.</summary>
    private static async Task PrintLinesAsync(Output output, IAsyncEnumerable<System.Text.Json.JsonElement> lines)
    {
        await foreach (var line in lines)
        {
            if (line.TryGetProperty("Err", out var err) && err.GetString() is { Length: > 0 } message)
            {
                var kind = line.TryGetProperty("Kind", out var k) ? ErrorTable.Parse(k.GetString()) : null;
                throw new P2PException(kind ?? ErrorKind.Internal, message);
            }
            Print(output, line.GetProperty("Ref").GetString() ?? "");
        }
    }

    private static void Print(Output output, string line) => output.Write(line, new { Ref = line, Err = "" });
}
