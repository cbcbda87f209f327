using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting.Local;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p get`: writes a file or directory to disk. The bytes go to a temporary name beside the target and are
/// renamed into place only when complete, so a failed or interrupted get never leaves a partial file behind.
/// Offline the repo's exporter writes it; with a daemon the tree is walked through `files/stat`, `ls` and `cat`, each
/// file written by the daemon into the descriptor passed on its local channel when there is one (else over HTTP).
/// </summary>
internal sealed class GetCommand
{
    private readonly Argument<string> _path = new("cid") { Description = "CID (or CID/path) to fetch" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Where to write it (default: ./<CID>)" };
    private readonly Option<bool> _progress = new("--progress") { Description = "Show progress on stderr (default: when it is a terminal)" };

    public static Command Create()
    {
        var get = new GetCommand();
        var command = new Command("get", "Write a file or directory to disk.\n\nExamples:\n  p2p get bafybei... -o movie.mkv\n  p2p get QmDir.../photos")
        {
            get._path, get._output, get._progress,
        };
        DaemonRoute.SetAction(command, get.OfflineAsync, get.RemoteAsync);
        return command;
    }

    /// <summary>The target and where it goes; refuses to overwrite anything.</summary>
    private (string Target, string Destination) Read(ParseResult parse)
    {
        var target = parse.GetValue(_path)!;
        PathArgument.Validate(target);
        var destination = Path.GetFullPath(parse.GetValue(_output) ?? target.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1]);
        if (File.Exists(destination) || Directory.Exists(destination))
            throw new CliException($"{destination} already exists");
        return (target, destination);
    }

    private bool ShowProgress(ParseResult parse) => parse.GetValue(_progress) || !Console.IsErrorRedirected;

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var (target, destination) = Read(parse);
        using var node = NodeAccess.Open(parse);
        var cid = await node.Exporter.ResolveAsync(target, ct);
        var info = await node.Exporter.StatAsync(cid, ct);
        var temp = TempOutput.For(destination);
        using var bar = ProgressBar.ForCommand("fetching", TotalOf(info.Type == P2P.Node.Content.UnixFs.UnixFsType.Directory, info.Size, info.CumulativeSize),
            parse.GetValue(_progress));
        try
        {
            await node.Exporter.ExportAsync(cid, temp, bar.Part(), ct);
            MoveIntoPlace(temp, destination);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        bar.WriteAbove(() => Output.For(parse).Write($"saved {cid} to {destination}", new { Hash = cid.ToString(), Path = destination }));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The bar's total from the DAG's sizes: a file's exact byte count; for a directory its cumulative size, which
    /// also counts the DAG's own nodes, so it is an upper bound the bar reaches only at the end.
    /// </summary>
    private static long TotalOf(bool directory, long size, long cumulative) => directory ? cumulative : size;

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var (target, destination) = Read(parse);
        using var bar = ProgressBar.ForCommand("fetching", 0, parse.GetValue(_progress));
        // Polling starts before the first request: finding the root's providers is the part that can take long.
        await using var poller = await PeerCountPoller.StartAsync(daemon, bar, RootOf(target), ct);
        var stat = await daemon.PostJsonAsync("files/stat", [new("arg", target)], ct);
        var cid = stat.GetProperty("Hash").GetString()!;
        var type = stat.GetProperty("Type").GetString()!;
        var temp = TempOutput.For(destination);
        bar.SetTotal(type == "directory" ? stat.GetProperty("CumulativeSize").GetInt64() : stat.GetProperty("Size").GetInt64());
        try
        {
            await ExportAsync(daemon, cid, type, temp, bar, ct);
            MoveIntoPlace(temp, destination);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        bar.WriteAbove(() => Output.For(parse).Write($"saved {cid} to {destination}", new { Hash = cid, Path = destination }));
        return ExitCodes.Ok;
    }

    /// <summary>The root CID of a path as the daemon names its fetch (canonical text), for the poller.</summary>
    internal static string RootOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 0 && segments[0] == "ipfs" && segments.Length > 1 ? segments[1] : segments.FirstOrDefault() ?? "";
        return P2P.Node.Multiformats.Cid.TryParse(first, out var cid, out _) ? cid!.ToString() : first;
    }

    /// <summary>Writes one file or directory of the daemon's DAG under <paramref name="destination"/>, depth first.</summary>
    private static async Task ExportAsync(DaemonClient daemon, string cid, string type, string destination, ProgressBar bar, CancellationToken ct)
    {
        if (type != "directory")
        {
            await using var file = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            // On this host the daemon writes into the temp file's descriptor itself; progress comes back as counts.
            var reported = 0L;
            var request = new LocalRequest { Op = "cat", Args = [cid], Progress = bar.Enabled };
            if (LocalChannelClient.TryRun(daemon, request, (int)file.SafeFileHandle.DangerousGetHandle(), frame =>
            {
                if (frame.TryGetProperty("Written", out var written) && written.TryGetInt64(out var total))
                {
                    bar.Advance(total - reported);
                    reported = total;
                }
            }, ct))
            {
                return;
            }
            using var response = await daemon.PostStreamAsync("cat", [new("arg", cid)], ct);
            await daemon.CopyBodyAsync(response, file, n => bar.Advance(n), ct);
            return;
        }
        Directory.CreateDirectory(destination);
        var answer = await daemon.PostJsonAsync("ls", [new("arg", cid)], ct);
        foreach (var link in answer.GetProperty("Objects")[0].GetProperty("Links").EnumerateArray())
        {
            var name = link.GetProperty("Name").GetString() ?? "";
            // A hostile directory must not write outside the destination.
            if (name.Length == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\\'))
                throw new CliException($"directory {cid} has an unsafe entry name '{name}'", ExitCodes.Corrupt);
            var isDir = link.GetProperty("Type").GetInt32() == 1;
            await ExportAsync(daemon, link.GetProperty("Hash").GetString()!, isDir ? "directory" : "file", Path.Join(destination, name), bar, ct);
        }
    }

    private static void MoveIntoPlace(string temp, string destination)
    {
        if (Directory.Exists(temp))
            Directory.Move(temp, destination);
        else
            File.Move(temp, destination);
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            else if (File.Exists(path))
                File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temp name starts with a dot and says p2p, so it is easy to spot.
        }
    }
}
