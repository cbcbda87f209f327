using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p get`: writes a file or directory to disk. The bytes go to a temporary name beside the target and are
/// renamed into place only when complete, so a failed or interrupted get never leaves a partial file behind.
/// </summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("cid") { Description = "CID (or CID/path) to fetch" };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write it (default: ./<CID>)" };
        var progress = new Option<bool>("--progress") { Description = "Show progress on stderr (default: when it is a terminal)" };
        var command = new Command("get", "Write a file or directory to disk.\n\nExamples:\n  p2p get bafybei... -o movie.mkv\n  p2p get QmDir.../photos")
        {
            path, output, progress,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var target = parse.GetValue(path)!;
            PathArgument.Validate(target);
            var destination = Path.GetFullPath(parse.GetValue(output) ?? target.Split('/', StringSplitOptions.RemoveEmptyEntries)[^1]);
            if (File.Exists(destination) || Directory.Exists(destination))
                throw new CliException($"{destination} already exists");
            using var node = NodeAccess.Open(parse);
            var cid = await node.Exporter.ResolveAsync(target, ct);
            var info = await node.Exporter.StatAsync(cid, ct);
            var temp = TempOutput.For(destination);
            using var bar = new ProgressBar("fetching", info.CumulativeSize, parse.GetValue(progress) || !Console.IsErrorRedirected);
            try
            {
                await node.Exporter.ExportAsync(cid, temp, bar.Cumulative, ct);
                if (Directory.Exists(temp))
                    Directory.Move(temp, destination);
                else
                    File.Move(temp, destination);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
            Output.For(parse).Write($"saved {cid} to {destination}", new { Hash = cid.ToString(), Path = destination });
            return ExitCodes.Ok;
        });
        return command;
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
