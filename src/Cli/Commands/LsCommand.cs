using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.UnixFs;

namespace P2P.Cli.Commands;

/// <summary>`p2p ls`: lists a directory's entries as `CID SIZE NAME`, directories with a trailing slash.</summary>
internal sealed class LsCommand
{
    private readonly Argument<string> _path = new("cid") { Description = "CID (or CID/path) of a directory" };

    public static Command Create()
    {
        var ls = new LsCommand();
        var command = new Command("ls", "List the entries of a directory.\n\nExample:\n  p2p ls bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
        {
            ls._path,
        };
        DaemonRoute.SetAction(command, ls.OfflineAsync, ls.RemoteAsync);
        return command;
    }

    private string Read(ParseResult parse)
    {
        var target = parse.GetValue(_path)!;
        PathArgument.Validate(target);
        return target;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var target = Read(parse);
        using var node = NodeAccess.Open(parse);
        var cid = await node.Exporter.ResolveAsync(target, ct);
        var info = await node.Exporter.StatAsync(cid, ct);
        if (info.Type != UnixFsType.Directory)
            throw new CliException($"{cid} is not a directory", ExitCodes.Usage);
        var output = Output.For(parse);
        foreach (var e in await node.Exporter.ListAsync(cid, resolveChildren: true, ct))
            Print(output, e.Cid.ToString(), e.Name, e.Size ?? 0, e.Type == UnixFsType.Directory);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("ls", [new("arg", Read(parse))], ct);
        var output = Output.For(parse);
        foreach (var link in answer.GetProperty("Objects")[0].GetProperty("Links").EnumerateArray())
        {
            Print(output, link.GetProperty("Hash").GetString(), link.GetProperty("Name").GetString(), link.GetProperty("Size").GetInt64(),
                link.GetProperty("Type").GetInt32() == 1);
        }
        return ExitCodes.Ok;
    }

    private static void Print(Output output, string? cid, string? name, long size, bool isDir) =>
        output.Write($"{cid} {(isDir ? "-" : size.ToString(CultureInfo.InvariantCulture))} {name}{(isDir ? "/" : "")}",
            new { Hash = cid, Name = name, Size = size, Type = isDir ? 1 : 2 });
}
