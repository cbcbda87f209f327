using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p block put`: stores one block (at most kubo's 2 MiB) and prints its CID.</summary>
internal sealed class BlockPutCommand
{
    /// <summary>kubo's limit for a single block put over the API (and the exchange's block cap).</summary>
    private const int MaxBlockSize = 2 * 1024 * 1024;

    private readonly Argument<string?> _file = new("file") { Description = "File holding the block (default: stdin)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string> _codec = new("--cid-codec") { Description = "raw or dag-pb", DefaultValueFactory = _ => "raw" };
    private readonly Option<string> _hash = new("--mhtype") { Description = "sha2-256 or blake3", DefaultValueFactory = _ => "sha2-256" };

    private BlockPutCommand()
    {
        _codec.AcceptOnlyFromAmong("raw", "dag-pb");
        _hash.AcceptOnlyFromAmong("sha2-256", "blake3");
    }

    public static Command Create()
    {
        var put = new BlockPutCommand();
        var command = new Command("put", "Store one block and print its CID.\n\nExample:\n  p2p block put --cid-codec raw < chunk.bin") { put._file, put._codec, put._hash };
        DaemonRoute.SetAction(command, put.OfflineAsync, put.RemoteAsync);
        return command;
    }

    private static void Print(ParseResult parse, string key, int size) => Output.For(parse).Write(key, new { Key = key, Size = size });

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var data = await ReadBoundedAsync(parse.GetValue(_file), ct);
        var multihash = parse.GetValue(_hash) == "blake3" ? Multihash.Blake3(data) : Multihash.Sha256(data);
        var cid = Cid.V1(parse.GetValue(_codec) == "dag-pb" ? Multicodec.DagPb : Multicodec.Raw, multihash);
        using var node = NodeAccess.Open(parse);
        node.PutBlock(cid, data);
        Print(parse, cid.ToString(), data.Length);
        return ExitCodes.Ok;
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var data = await ReadBoundedAsync(parse.GetValue(_file), ct);
        using var body = new ByteArrayContent(data);
        var answer = await daemon.PostJsonAsync("block/put", [new("cid-codec", parse.GetValue(_codec)!), new("mhtype", parse.GetValue(_hash)!)], ct, body);
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
