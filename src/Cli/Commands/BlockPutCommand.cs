using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Hosting;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p block put`: stores one block (at most kubo's 2 MiB) and prints its CID. The flags are kubo's, checked by
/// <see cref="BlockPutFlags"/>; a block put as dag-pb must be dag-pb (kubo does not check; p2p refuses with exit 2
/// and stores nothing, because a block that lies about its codec breaks every later walk).
/// </summary>
internal sealed class BlockPutCommand
{
    /// <summary>kubo's limit for a single block put over the API (and the exchange's block cap).</summary>
    private const int MaxBlockSize = 2 * 1024 * 1024;

    private readonly Argument<string?> _file = new("file") { Description = "File holding the block (default: stdin)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> _codec = new("--cid-codec") { Description = "Codec of the CID: raw or dag-pb (the bytes must then be dag-pb)", DefaultValueFactory = _ => "raw" };
    private readonly Option<string?> _format = new("--format", "-f") { Description = "Deprecated (kubo): v0 for a CIDv0, or protobuf; use --cid-codec" };
    private readonly Option<string> _hash = new("--mhtype") { Description = "Hash function: sha2-256 or blake3", DefaultValueFactory = _ => "sha2-256" };
    private readonly Option<int> _hashLength = new("--mhlen") { Description = "Digest length (-1: the function's full length, the only one accepted)", DefaultValueFactory = _ => -1 };

    public static Command Create()
    {
        var put = new BlockPutCommand();
        var command = new Command("put", "Store one block and print its CID.\n\nExample:\n  p2p block put --cid-codec raw < chunk.bin") { put._file, put._codec, put._format, put._hash, put._hashLength };
        DaemonRoute.SetAction(command, put.OfflineAsync, put.RemoteAsync);
        return command;
    }

    private static void Print(ParseResult parse, string key, int size) => Output.For(parse).Write(key, new { Key = key, Size = size });

    /// <summary>The flags, checked before anything is read, so a bad one stores nothing and sends nothing.</summary>
    private BlockPutFlags Flags(ParseResult parse)
    {
        var flags = new BlockPutFlags
        {
            CidCodec = parse.GetValue(_codec),
            Format = parse.GetValue(_format),
            MhType = parse.GetValue(_hash),
            MhLength = parse.GetValue(_hashLength),
        };
        try
        {
            flags.Prefix();
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
        }
        return flags;
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var flags = Flags(parse);
        var data = await ReadBoundedAsync(parse.GetValue(_file), ct);
        var cid = flags.CidOf(data);
        using var node = NodeAccess.Open(parse);
        node.PutBlock(cid, data);
        Print(parse, cid.ToString(), data.Length);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var flags = Flags(parse);
        var data = await ReadBoundedAsync(parse.GetValue(_file), ct);
        using var body = new ByteArrayContent(data);
        var query = new List<KeyValuePair<string, string>> { new("cid-codec", flags.CidCodec!), new("mhtype", flags.MhType!) };
        if (flags.Format is { } format) query.Add(new("format", format));
        if (flags.MhLength != -1) query.Add(new("mhlen", flags.MhLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var answer = await daemon.PostJsonAsync("block/put", query, ct, body);
        Print(parse, answer.GetProperty("Key").GetString()!, data.Length);
        return ExitCodes.Ok;
    }

    /// <summary>The block from a file or stdin, refused (before anything is stored or sent) when over the cap.</summary>
    private static async Task<byte[]> ReadBoundedAsync(string? path, CancellationToken ct)
    {
        await using var input = path is null ? Console.OpenStandardInput() : File.OpenRead(path);
        var buffer = new byte[MaxBlockSize + 1];
        var n = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxBlockSize)
            throw new CliException($"block is larger than {MaxBlockSize} bytes; use `p2p add` for files");
        return buffer[..n];
    }
}
