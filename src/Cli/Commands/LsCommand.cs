using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.UnixFs;

namespace P2P.Cli.Commands;

/// <summary>`p2p ls`: lists a directory's entries as `CID SIZE NAME`, directories with a trailing slash.</summary>
internal static class LsCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("cid") { Description = "CID (or CID/path) of a directory" };
        var command = new Command("ls", "List the entries of a directory.\n\nExample:\n  p2p ls bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
        {
            path,
        };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var target = parse.GetValue(path)!;
            PathArgument.Validate(target);
            using var node = NodeAccess.Open(parse);
            var cid = await node.Exporter.ResolveAsync(target, ct);
            var info = await node.Exporter.StatAsync(cid, ct);
            if (info.Type != UnixFsType.Directory)
                throw new CliException($"{cid} is not a directory", ExitCodes.Usage);
            var output = Output.For(parse);
            foreach (var e in await node.Exporter.ListAsync(cid, resolveChildren: true, ct))
            {
                var isDir = e.Type == UnixFsType.Directory;
                var size = isDir ? "-" : (e.Size ?? 0).ToString(CultureInfo.InvariantCulture);
                output.Write($"{e.Cid} {size} {e.Name}{(isDir ? "/" : "")}",
                    new { Hash = e.Cid.ToString(), Name = e.Name, Size = e.Size ?? 0, Type = isDir ? 1 : 2 });
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
