using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Car;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p dag export|import`: whole DAGs as CARv1 files (ipld.io/specs/transport/car/carv1), interchangeable with
/// kubo's `ipfs dag export|import` and the JavaScript @ipld/car. The node's CAR code does the work; this parses
/// and prints, with kubo's output lines.
/// </summary>
internal static class DagCommand
{
    public static Command Create()
    {
        var command = new Command("dag", "Move whole DAGs in and out as CAR files.\n\nExamples:\n  p2p dag export bafybei... -o site.car\n  p2p dag import site.car");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Command Export()
    {
        var cid = new Argument<string>("cid") { Description = "Root CID of the DAG to export" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the CAR to this file (default: stdout)" };
        var command = new Command("export", "Write a DAG as a CARv1 stream: depth first, each block once, as kubo does.\n\nExamples:\n  p2p dag export bafybei... > site.car\n  p2p dag export QmRoot... -o site.car")
        {
            cid, output,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var root = CommandRunner.ParseCid(parse.GetValue(cid)!);
            using var node = NodeAccess.Open(parse);
            var exporter = new CarExporter(node.Getter);
            if (parse.GetValue(output) is not { } path)
            {
                await using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 20);
                await exporter.ExportAsync(root, stdout, ct);
                return ExitCodes.Ok;
            }
            await ExportToFileAsync(exporter, root, Path.GetFullPath(path), ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes beside the target and renames when complete, so a failed export leaves no partial CAR.</summary>
    private static async Task ExportToFileAsync(CarExporter exporter, Cid root, string destination, CancellationToken ct)
    {
        await AtomicFile.WriteAsync(destination, (file, token) => exporter.ExportAsync(root, file, token), ct,
            tempPath: TempOutput.For(destination), durable: false);
    }

    private static Command Import()
    {
        var files = new Argument<string[]>("file") { Arity = ArgumentArity.OneOrMore, Description = "CAR files (v1, or v2 read through its v1 payload); - reads stdin" };
        var pinRoots = new Option<bool>("--pin-roots") { Description = "Pin every root recursively once all files are imported (default true)", DefaultValueFactory = _ => true };
        var stats = new Option<bool>("--stats") { Description = "Print the number and size of blocks imported" };
        var command = new Command("import", "Store the blocks of CAR files, each verified against its CID, and pin their roots.\nA file is checked whole before anything from it is stored.\n\nExamples:\n  p2p dag import site.car\n  p2p dag import --pin-roots=false a.car b.car")
        {
            files, pinRoots, stats,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            using var node = NodeAccess.Open(parse);
            var output = Output.For(parse);
            // Held from the first put to the last pin, so a concurrent gc cannot take the blocks in between.
            using var gate = node.Repo.GcGate.EnterShared();
            var roots = new List<Cid>();
            var blocks = 0;
            long bytes = 0;
            foreach (var path in parse.GetValue(files)!)
            {
                var result = await ImportOneAsync(node, path, ct);
                roots.AddRange(result.Roots.Where(r => !roots.Contains(r)));
                blocks += result.Blocks;
                bytes += result.Bytes;
            }
            var failed = parse.GetValue(pinRoots) ? await PinRootsAsync(node, roots, output, ct) : 0;
            if (parse.GetValue(stats))
                output.Write($"Imported {blocks} blocks ({bytes} bytes)", new { Stats = new { BlockCount = blocks, BlockBytesCount = bytes } });
            if (failed > 0)
                throw new CliException($"unable to pin all roots: {failed} out of {roots.Count} failed", ExitCodes.NotFound);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<CarImportResult> ImportOneAsync(LocalContent node, string path, CancellationToken ct)
    {
        await using var input = path == "-"
            ? Console.OpenStandardInput()
            : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        try
        {
            var result = await CarImporter.ImportAsync(input, node.Blocks, cancellationToken: ct);
            node.Blocks.Flush();
            return result;
        }
        catch (InvalidDataException ex)
        {
            throw new CliException($"{(path == "-" ? "stdin" : path)}: {ex.Message}", ExitCodes.Corrupt);
        }
    }

    /// <summary>Pins each root after checking its whole DAG is present, printing kubo's line for each; returns the failures.</summary>
    private static async Task<int> PinRootsAsync(LocalContent node, List<Cid> roots, Output output, CancellationToken ct)
    {
        var failed = 0;
        foreach (var root in roots)
        {
            string? error = null;
            try
            {
                // LocalContent.PinAsync would enter the gc gate a second time; walking then recording the pin
                // under the scope already held is the same check without that risk.
                await node.WalkAsync(root, ct);
                node.Repo.Pins.Add(root, PinKind.Recursive);
            }
            catch (Exception ex) when (ex is BlockNotFoundException or CorruptBlockException or InvalidDataException)
            {
                error = ex.Message;
                failed++;
            }
            output.Write(
                $"Pinned root\t{root}\t{(error is null ? "success" : "FAILED: " + error)}",
                new { Root = new { Cid = new Dictionary<string, string> { ["/"] = root.ToString() }, PinErrorMsg = error ?? "" } });
        }
        return failed;
    }
}
