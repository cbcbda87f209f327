using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p dag import`: stores the blocks of CAR files, each verified against its CID, then pins their roots, printing
/// kubo's `Pinned root` lines. Offline through <see cref="DagImport"/>, the use case the daemon's `dag/import` runs.
/// </summary>
internal sealed class DagImportCommand
{
    private readonly Argument<string[]> _files = new("file") { Arity = ArgumentArity.OneOrMore, Description = "CAR files (v1, or v2 read through its v1 payload); - reads stdin" };
    private readonly Option<bool> _pinRoots = new("--pin-roots") { Description = "Pin every root recursively once all files are imported (default true)", DefaultValueFactory = _ => true };
    private readonly Option<bool> _stats = new("--stats") { Description = "Print the number and size of blocks imported" };

    public static Command Create()
    {
        var import = new DagImportCommand();
        var command = new Command("import", "Store the blocks of CAR files, each verified against its CID, and pin their roots.\nA file is checked whole before anything from it is stored.\n\nExamples:\n  p2p dag import site.car\n  p2p dag import --pin-roots=false a.car b.car")
        {
            import._files, import._pinRoots, import._stats,
        };
        DaemonRoute.SetAction(command, import.OfflineAsync, import.RemoteAsync);
        return command;
    }

    private static Stream OpenInput(string path) => path == "-"
        ? Console.OpenStandardInput()
        : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);

    private static void PrintRoot(Output output, string? cid, string? error, object json) =>
        output.Write($"Pinned root\t{cid}\t{(string.IsNullOrEmpty(error) ? "success" : "FAILED: " + error)}", json);

    private static void PrintStats(Output output, long blocks, long bytes, object json) =>
        output.Write($"Imported {blocks} blocks ({bytes} bytes)", json);

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var output = Output.For(parse);
        using var import = node.BeginDagImport();
        foreach (var path in parse.GetValue(_files)!)
        {
            await using var input = OpenInput(path);
            try
            {
                await import.AddCarAsync(input, ct);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException($"{(path == "-" ? "stdin" : path)}: {ex.Message}", ExitCodes.Corrupt);
            }
        }
        var failed = 0;
        if (parse.GetValue(_pinRoots))
        {
            await foreach (var pin in import.PinRootsAsync(ct))
            {
                if (pin.Error is not null)
                    failed++;
                PrintRoot(output, pin.Root.ToString(), pin.Error,
                    new { Root = new { Cid = new Dictionary<string, string> { ["/"] = pin.Root.ToString() }, PinErrorMsg = pin.Error ?? "" } });
            }
        }
        if (parse.GetValue(_stats))
            PrintStats(output, import.Blocks, import.Bytes, new { Stats = new { BlockCount = import.Blocks, BlockBytesCount = import.Bytes } });
        if (failed > 0)
            throw new CliException($"unable to pin all roots: {failed} out of {import.Roots.Count} failed", ExitCodes.NotFound);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var pinRoots = parse.GetValue(_pinRoots);
        var stats = parse.GetValue(_stats);
        var output = Output.For(parse);
        var failed = 0;
        var paths = parse.GetValue(_files)!;
        for (var i = 0; i < paths.Length; i++)
        {
            // One request per file; roots are pinned by the daemon once the file is stored, and stats come with the last.
            await using var input = paths[i] == "-" ? Console.OpenStandardInput() : File.OpenRead(paths[i]);
            var query = new List<KeyValuePair<string, string>>
            {
                new("pin-roots", pinRoots ? "true" : "false"),
                new("stats", stats && i == paths.Length - 1 ? "true" : "false"),
            };
            await foreach (var line in daemon.PostLinesAsync("dag/import", query, ct, DaemonClient.StreamBody(input)))
            {
                if (line.TryGetProperty("Root", out var root))
                {
                    var error = root.GetProperty("PinErrorMsg").GetString();
                    if (!string.IsNullOrEmpty(error))
                        failed++;
                    PrintRoot(output, root.GetProperty("Cid").GetProperty("/").GetString(), error, line);
                }
                else if (line.TryGetProperty("Stats", out var s))
                {
                    PrintStats(output, s.GetProperty("BlockCount").GetInt64(), s.GetProperty("BlockBytesCount").GetInt64(), line);
                }
            }
        }
        if (failed > 0)
            throw new CliException($"unable to pin all roots: {failed} failed", ExitCodes.NotFound);
        return ExitCodes.Ok;
    }
}
