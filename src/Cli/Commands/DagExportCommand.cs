using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Car;
using P2P.Node.Hosting.Local;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p dag export`: a DAG as a CARv1 stream, depth first, each block once, as kubo writes it. Offline from the repo
/// alone; through a daemon, whatever of the DAG the repo lacks is fetched from the swarm.
/// </summary>
internal sealed class DagExportCommand
{
    private readonly Argument<string> _cid = new("cid") { Description = "Root CID of the DAG to export" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Write the CAR to this file (default: stdout)" };

    public static Command Create()
    {
        var export = new DagExportCommand();
        var command = new Command("export", "Write a DAG as a CARv1 stream: depth first, each block once, as kubo does.\n\nExamples:\n  p2p dag export bafybei... > site.car\n  p2p dag export QmRoot... -o site.car")
        {
            export._cid, export._output,
        };
        DaemonRoute.SetAction(command, export.OfflineAsync, export.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var root = CommandRunner.ParseCid(parse.GetValue(_cid)!);
        using var node = NodeAccess.Open(parse);
        var exporter = new CarExporter(node.Getter);
        if (parse.GetValue(_output) is not { } path)
        {
            await using var stdout = new BufferedStream(new StdoutStream(), 1 << 20);
            await exporter.ExportAsync(root, stdout, ct);
            return ExitCodes.Ok;
        }
        await ExportToFileAsync(exporter, root, Path.GetFullPath(path), ct);
        return ExitCodes.Ok;
    }

    /// <summary>Writes beside the target and renames when complete, so a failed export leaves no partial CAR.</summary>
    private static async Task ExportToFileAsync(CarExporter exporter, Cid root, string destination, CancellationToken ct)
    {
        await AtomicFile.WriteAsync(destination, (file, token) => exporter.ExportAsync(root, file, token), ct,
            tempPath: TempOutput.For(destination), durable: false);
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var root = CommandRunner.ParseCid(parse.GetValue(_cid)!);
        // To stdout on this host the daemon writes the CAR itself; -o keeps the HTTP copy into a temp file.
        if (parse.GetValue(_output) is null
            && LocalChannelClient.TryRun(daemon, new LocalRequest { Op = "dag/export", Args = [root.ToString()] }, 1, null, ct))
        {
            return ExitCodes.Ok;
        }
        using var response = await daemon.PostStreamAsync("dag/export", [new("arg", root.ToString())], ct);
        await using var car = await response.Content.ReadAsStreamAsync(ct);
        if (parse.GetValue(_output) is not { } path)
        {
            await using var stdout = new StdoutStream();
            await car.CopyToAsync(stdout, 1 << 20, ct);
            return ExitCodes.Ok;
        }
        var destination = Path.GetFullPath(path);
        // Beside the target, renamed when complete: a cut stream leaves no partial CAR under the asked name.
        try
        {
            await AtomicFile.WriteAsync(destination, (file, token) => car.CopyToAsync(file, 1 << 20, token), ct,
                tempPath: TempOutput.For(destination), durable: false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new CliException($"export of {root} was cut short: {e.Message}");
        }
        return ExitCodes.Ok;
    }
}
