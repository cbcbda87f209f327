using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>`p2p files read [-o N] [-n N] PATH`: a file's bytes to stdout.</summary>
internal sealed class FilesReadCommand
{
    private readonly Argument<string> _path = new("path") { Description = "File to read, starting with /" };
    private readonly Option<long> _offset = new("--offset", "-o") { Description = "Byte offset to begin reading from" };
    private readonly Option<long?> _count = new("--count", "-n") { Description = "Maximum number of bytes to read" };

    public static Command Create()
    {
        var read = new FilesReadCommand();
        var command = new Command("read", "Write a file of the tree to stdout.\n\nExample:\n  p2p files read /docs/hello.txt") { read._path, read._offset, read._count };
        DaemonRoute.SetAction(command, read.OfflineAsync, read.RemoteAsync);
        return command;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var path = MfsPath.Check(parse.GetValue(_path));
        using var node = NodeAccess.Open(parse);
        var range = await node.Files.OpenReadAsync(path, parse.GetValue(_offset), parse.GetValue(_count), ct);
        await using var stdout = new StdoutStream();
        await foreach (var piece in node.Files.ReadAsync(range, ct))
            await stdout.WriteAsync(piece, ct);
        await stdout.FlushAsync(ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var path = MfsPath.Check(parse.GetValue(_path));
        var query = new List<KeyValuePair<string, string>> { new("arg", path), new("offset", parse.GetValue(_offset).ToString(CultureInfo.InvariantCulture)) };
        if (parse.GetValue(_count) is { } count)
            query.Add(new("count", count.ToString(CultureInfo.InvariantCulture)));
        using var response = await daemon.PostStreamAsync("files/read", query, ct);
        await using var stdout = new StdoutStream();
        await daemon.CopyBodyAsync(response, stdout, null, ct);
        await stdout.FlushAsync(ct);
        return ExitCodes.Ok;
    }
}
