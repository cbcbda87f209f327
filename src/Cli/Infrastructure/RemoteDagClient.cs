using System.CommandLine;
using P2P.Node.Storage;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// `dag export` and `dag import` sent to a running daemon (`dag/export`, `dag/import`), printed as the offline
/// commands print. Through the daemon an export fetches from the swarm whatever of the DAG the repo lacks.
/// </summary>
internal static class RemoteDagClient
{
    public static async Task<int> ExportAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var root = CommandRunner.ParseCid(parse.GetValue<string>("cid")!);
        using var response = await daemon.PostStreamAsync("dag/export", [new("arg", root.ToString())], ct);
        await using var car = await response.Content.ReadAsStreamAsync(ct);
        if (parse.GetValue<string?>("--output") is not { } path)
        {
            await using var stdout = Console.OpenStandardOutput();
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

    public static async Task<int> ImportAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var pinRoots = parse.GetValue<bool>("--pin-roots");
        var stats = parse.GetValue<bool>("--stats");
        var output = Output.For(parse);
        var failed = 0;
        var paths = parse.GetValue<string[]>("file")!;
        for (var i = 0; i < paths.Length; i++)
        {
            var path = paths[i];
            // One request per file; roots are pinned by the daemon once the file is stored, and stats come with the last.
            await using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            var query = new List<KeyValuePair<string, string>>
            {
                new("pin-roots", pinRoots ? "true" : "false"),
                new("stats", stats && i == paths.Length - 1 ? "true" : "false"),
            };
            await foreach (var line in daemon.PostLinesAsync("dag/import", query, ct, DaemonClient.StreamBody(input)))
            {
                if (line.TryGetProperty("Root", out var root))
                {
                    var cid = root.GetProperty("Cid").GetProperty("/").GetString();
                    var error = root.GetProperty("PinErrorMsg").GetString();
                    if (!string.IsNullOrEmpty(error))
                        failed++;
                    output.Write($"Pinned root\t{cid}\t{(string.IsNullOrEmpty(error) ? "success" : "FAILED: " + error)}", line);
                }
                else if (line.TryGetProperty("Stats", out var s))
                {
                    output.Write($"Imported {s.GetProperty("BlockCount").GetInt64()} blocks ({s.GetProperty("BlockBytesCount").GetInt64()} bytes)", line);
                }
            }
        }
        if (failed > 0)
            throw new CliException($"unable to pin all roots: {failed} failed", ExitCodes.NotFound);
        return ExitCodes.Ok;
    }
}
