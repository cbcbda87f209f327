using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Mfs;

namespace P2P.Cli.Commands;

/// <summary>`p2p files write [-e] [-p] [-t] [-o N] [-n N] PATH [FILE]`: writes FILE (or stdin) into a file of the tree.</summary>
internal sealed class FilesWriteCommand
{
    private readonly Argument<string> _path = new("path") { Description = "File to write, starting with /" };
    private readonly Argument<string?> _data = new("data") { Description = "File to read the data from (default: stdin)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<long> _offset = new("--offset", "-o") { Description = "Byte offset to begin writing at" };
    private readonly Option<bool> _create = new("--create", "-e") { Description = "Create the file if it does not exist" };
    private readonly Option<bool> _parents = new("--parents", "-p") { Description = "Make parent directories as needed" };
    private readonly Option<bool> _truncate = new("--truncate", "-t") { Description = "Truncate the file to size zero before writing" };
    private readonly Option<long?> _count = new("--count", "-n") { Description = "Maximum number of bytes to read" };
    private readonly Option<bool?> _rawLeaves = new("--raw-leaves") { Description = "Use raw blocks for new leaves (default: on for CIDv1)" };
    private readonly FilesCommand.PrefixOptions _prefix = new();

    public static Command Create()
    {
        var write = new FilesWriteCommand();
        var command = new Command("write", "Write data into a file, at an offset or at its start.\n\nExamples:\n  echo hello | p2p files write --create /hello.txt\n  p2p files write -e -p -t /docs/readme.md ./README.md")
        {
            write._path, write._data, write._offset, write._create, write._parents, write._truncate, write._count, write._rawLeaves,
        };
        write._prefix.AddTo(command);
        DaemonRoute.SetAction(command, write.OfflineAsync, write.RemoteAsync);
        return command;
    }

    private MfsWriteOptions Options(ParseResult parse)
    {
        var offset = parse.GetValue(_offset);
        if (offset < 0)
            throw MfsError.Bad("cannot have negative write offset");
        if (parse.GetValue(_count) is < 0)
            throw MfsError.Bad("cannot have negative byte count");
        return new MfsWriteOptions
        {
            Create = parse.GetValue(_create), Parents = parse.GetValue(_parents), Truncate = parse.GetValue(_truncate),
            Offset = offset, Count = parse.GetValue(_count), RawLeaves = parse.GetValue(_rawLeaves), Prefix = _prefix.Read(parse),
        };
    }

    private Stream Input(ParseResult parse)
    {
        var file = parse.GetValue(_data);
        return file is null or "-" ? Console.OpenStandardInput() : File.OpenRead(file);
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var path = MfsPath.Check(parse.GetValue(_path));
        var options = Options(parse);
        await using var input = Input(parse);
        using var node = NodeAccess.Open(parse);
        await node.Files.WriteAsync(path, input, options, ct);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var path = MfsPath.Check(parse.GetValue(_path));
        var options = Options(parse);
        await using var input = Input(parse);
        var query = new List<KeyValuePair<string, string>>
        {
            new("arg", path), FilesCommand.Flag("create", options.Create), FilesCommand.Flag("parents", options.Parents),
            FilesCommand.Flag("truncate", options.Truncate), new("offset", options.Offset.ToString(CultureInfo.InvariantCulture)),
        };
        if (options.Count is { } count)
            query.Add(new("count", count.ToString(CultureInfo.InvariantCulture)));
        if (options.RawLeaves is { } raw)
            query.Add(FilesCommand.Flag("raw-leaves", raw));
        query.AddRange(_prefix.Query(parse));
        await FilesCommand.PostAsync(daemon, "files/write", query, ct, DaemonClient.StreamBody(input));
        return ExitCodes.Ok;
    }
}
