using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Exporting;
using P2P.Node.Hosting.Local;

namespace P2P.Cli.Commands;

/// <summary>`p2p cat`: streams a file's bytes to stdout, in order, with bounded memory; from the repo or a daemon.</summary>
internal sealed class CatCommand
{
    private readonly Argument<string[]> _paths = new("cid") { Description = "CIDs of files, or CID/path/in/a/directory; several are written one after the other", Arity = ArgumentArity.OneOrMore };
    private readonly Option<long> _offset = new("--offset", "-o") { Description = "Byte offset to start at" };
    private readonly Option<long?> _length = new("--length", "-l") { Description = "Maximum number of bytes to write" };

    public static Command Create()
    {
        var cat = new CatCommand();
        var command = new Command("cat", "Write a file's contents to stdout.\n\nExamples:\n  p2p cat bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\n  p2p cat QmDir.../docs/readme.md --offset 100 --length 50")
        {
            cat._paths, cat._offset, cat._length,
        };
        DaemonRoute.SetAction(command, cat.OfflineAsync, cat.RemoteAsync);
        return command;
    }

    private (string[] Targets, long Offset, long? Length) Read(ParseResult parse)
    {
        var offset = parse.GetValue(_offset);
        var length = parse.GetValue(_length);
        if (offset < 0 || length is < 0)
            throw new CliException("--offset and --length must not be negative", ExitCodes.Usage);
        var targets = parse.GetValue(_paths)!;
        foreach (var target in targets)
            PathArgument.Validate(target);
        return (targets, offset, length);
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var (targets, offset, length) = Read(parse);
        using var node = NodeAccess.Open(parse);
        // Every path resolved before the first byte, as the daemon does: a bad second path writes nothing.
        var files = new List<(P2P.Node.Multiformats.Cid Cid, long Size)>();
        foreach (var target in targets)
        {
            var cid = await node.Exporter.ResolveAsync(target, ct);
            files.Add((cid, (long)(await node.Exporter.StatAsync(cid, ct)).Size));
        }
        await using var stdout = new StdoutStream();
        // As kubo: offset and length apply to the files written one after the other.
        foreach (var (index, skip, take) in ConcatenatedRange.Parts([.. files.Select(f => f.Size)], offset, length))
            await node.Exporter.WriteFileAsync(files[index].Cid, stdout, skip, take, null, ct);
        await stdout.FlushAsync(ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var (targets, offset, length) = Read(parse);
        // On this host the daemon writes to our stdout itself (LocalChannelClient); HTTP when it cannot.
        if (LocalChannelClient.TryRun(daemon, new LocalRequest { Op = "cat", Args = targets, Offset = offset, Length = length }, 1, null, ct))
            return ExitCodes.Ok;
        var query = targets.Select(t => new KeyValuePair<string, string>("arg", t)).ToList();
        query.Add(new("offset", offset.ToString(CultureInfo.InvariantCulture)));
        if (length is { } l)
            query.Add(new("length", l.ToString(CultureInfo.InvariantCulture)));
        using var response = await daemon.PostStreamAsync("cat", query, ct);
        await using var stdout = new StdoutStream();
        // Through the copy, so an error the daemon reports after the bytes began (its trailer) is this command's error.
        await daemon.CopyBodyAsync(response, stdout, null, ct);
        return ExitCodes.Ok;
    }
}
