using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>`p2p files stat [--hash|--size|--format F] PATH`: kubo's statOutput, as text or JSON.</summary>
internal sealed class FilesStatCommand
{
    private readonly Argument<string> _path = new("path") { Description = "An MFS path, or /ipfs/CID[/...]" };
    private readonly Option<string?> _format = new("--format") { Description = "Print in this format; tokens: <hash> <size> <cumulsize> <type> <childs> <mode> <mode-octal> <mtime> <mtime-secs> <mtime-nsecs>" };
    private readonly Option<bool> _hash = new("--hash") { Description = "Print only the hash (--format=<hash>)" };
    private readonly Option<bool> _size = new("--size") { Description = "Print only the cumulative size (--format=<cumulsize>)" };

    public static Command Create()
    {
        var stat = new FilesStatCommand();
        var command = new Command("stat", "Show a file's or directory's CID, sizes and type.\n\nExamples:\n  p2p files stat /\n  p2p files stat --hash /docs")
        {
            stat._path, stat._format, stat._hash, stat._size,
        };
        DaemonRoute.SetAction(command, stat.OfflineAsync, stat.RemoteAsync);
        return command;
    }

    private string Format(ParseResult parse) => MfsStatFormat.Choose(parse.GetValue(_format), parse.GetValue(_hash), parse.GetValue(_size));

    private static string Path(string path) => MfsPath.IsContentPath(path) ? path : MfsPath.Check(path);

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var format = Format(parse);
        var path = Path(parse.GetValue(_path)!);
        using var node = NodeAccess.Open(parse);
        Print(parse, format, await node.Files.StatAsync(path, ct));
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var format = Format(parse);
        var answer = await daemon.PostJsonAsync("files/stat", [new("arg", Path(parse.GetValue(_path)!))], ct);
        var mode = answer.TryGetProperty("Mode", out var m) && m.ValueKind == JsonValueKind.String ? Convert.ToUInt32(m.GetString(), 8) : 0u;
        var stat = new MfsStat(answer.GetProperty("Hash").GetString() ?? "", answer.GetProperty("Size").GetUInt64(),
            answer.GetProperty("CumulativeSize").GetUInt64(), answer.GetProperty("Blocks").GetInt32(), answer.GetProperty("Type").GetString() ?? "",
            mode, answer.TryGetProperty("Mtime", out var t) ? t.GetInt64() : 0, answer.TryGetProperty("MtimeNsecs", out var n) ? n.GetInt32() : 0);
        Print(parse, format, stat);
        return ExitCodes.Ok;
    }

    private static void Print(ParseResult parse, string format, MfsStat stat) =>
        Output.For(parse).Write(MfsStatFormat.Render(format, stat), MfsStatFormat.Json(stat));
}
