using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p cat`: streams a file's bytes to stdout, in order, with bounded memory; from the repo or a daemon.</summary>
internal sealed class CatCommand
{
    private readonly Argument<string> _path = new("cid") { Description = "CID of a file, or CID/path/in/a/directory" };
    private readonly Option<long> _offset = new("--offset", "-o") { Description = "Byte offset to start at" };
    private readonly Option<long?> _length = new("--length", "-l") { Description = "Maximum number of bytes to write" };

    public static Command Create()
    {
        var cat = new CatCommand();
        var command = new Command("cat", "Write a file's contents to stdout.\n\nExamples:\n  p2p cat bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\n  p2p cat QmDir.../docs/readme.md --offset 100 --length 50")
        {
            cat._path, cat._offset, cat._length,
        };
        DaemonRoute.SetAction(command, cat.OfflineAsync, cat.RemoteAsync);
        return command;
    }

    private (string Target, long Offset, long? Length) Read(ParseResult parse)
    {
        var offset = parse.GetValue(_offset);
        var length = parse.GetValue(_length);
        if (offset < 0 || length is < 0)
            throw new CliException("--offset and --length must not be negative", ExitCodes.Usage);
        var target = parse.GetValue(_path)!;
        PathArgument.Validate(target);
        return (target, offset, length);
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var (target, offset, length) = Read(parse);
        using var node = NodeAccess.Open(parse);
        var cid = await node.Exporter.ResolveAsync(target, ct);
        await using var stdout = Console.OpenStandardOutput();
        await node.Exporter.WriteFileAsync(cid, stdout, offset, length, null, ct);
        await stdout.FlushAsync(ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var (target, offset, length) = Read(parse);
        var query = new List<KeyValuePair<string, string>> { new("arg", target), new("offset", offset.ToString(CultureInfo.InvariantCulture)) };
        if (length is { } l)
            query.Add(new("length", l.ToString(CultureInfo.InvariantCulture)));
        using var response = await daemon.PostStreamAsync("cat", query, ct);
        await using var stdout = Console.OpenStandardOutput();
        // Through the copy, so an error the daemon reports after the bytes began (its trailer) is this command's error.
        await daemon.CopyBodyAsync(response, stdout, null, ct);
        return ExitCodes.Ok;
    }
}
