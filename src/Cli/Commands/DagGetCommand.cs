using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.DagPb;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p dag get CID[/path]`: one block as dag-json (<see cref="DagJson"/>), as kubo's `ipfs dag get` prints it with its
/// default output codec, and like kubo without a newline at the end. The path follows named links.
/// </summary>
internal sealed class DagGetCommand
{
    private readonly Argument<string> _path = new("ref") { Description = "CID, or CID/path through named links" };
    private readonly Option<string> _codec = new("--output-codec") { Description = "Output format: dag-json", DefaultValueFactory = _ => "dag-json" };

    public static Command Create()
    {
        var get = new DagGetCommand();
        var command = new Command("get", "Print a block as dag-json.\n\nExamples:\n  p2p dag get bafybei...\n  p2p dag get bafybei.../docs/readme.md") { get._path, get._codec };
        DaemonRoute.SetAction(command, get.OfflineAsync, get.RemoteAsync);
        return command;
    }

    private string Read(ParseResult parse)
    {
        if (parse.GetValue(_codec) != "dag-json")
            throw new CliException($"--output-codec {parse.GetValue(_codec)} is not supported: p2p writes dag-json", ExitCodes.Usage);
        var path = parse.GetValue(_path)!;
        PathArgument.Validate(path);
        return path;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var path = Read(parse);
        using var node = NodeAccess.Open(parse);
        var cid = await node.Exporter.ResolveAsync(path, ct);
        var json = DagJson.Encode(cid, await node.Getter.GetBlockAsync(cid, ct));
        await using var stdout = new StdoutStream();
        await stdout.WriteAsync(json, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var path = Read(parse);
        using var response = await daemon.PostStreamAsync("dag/get", [new("arg", path)], ct);
        await using var stdout = new StdoutStream();
        await response.Content.CopyToAsync(stdout, ct);
        return ExitCodes.Ok;
    }
}
