using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p cat`: streams a file's bytes to stdout, in order, with bounded memory.</summary>
internal static class CatCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("cid") { Description = "CID of a file, or CID/path/in/a/directory" };
        var offset = new Option<long>("--offset", "-o") { Description = "Byte offset to start at" };
        var length = new Option<long?>("--length", "-l") { Description = "Maximum number of bytes to write" };
        var command = new Command("cat", "Write a file's contents to stdout.\n\nExamples:\n  p2p cat bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\n  p2p cat QmDir.../docs/readme.md --offset 100 --length 50")
        {
            path, offset, length,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            if (parse.GetValue(offset) < 0 || parse.GetValue(length) is < 0)
                throw new CliException("--offset and --length must not be negative", ExitCodes.Usage);
            var target = parse.GetValue(path)!;
            PathArgument.Validate(target);
            using var node = NodeAccess.Open(parse);
            var cid = await node.Exporter.ResolveAsync(target, ct);
            await using var stdout = Console.OpenStandardOutput();
            await node.Exporter.WriteFileAsync(cid, stdout, parse.GetValue(offset), parse.GetValue(length), null, ct);
            await stdout.FlushAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
