using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p block get|put|stat`: single raw blocks, verified on the way in and out.</summary>
internal static class BlockCommand
{
    /// <summary>kubo's limit for a single block put over the API (and the exchange's block cap).</summary>
    private const int MaxBlockSize = 2 * 1024 * 1024;

    public static Command Create()
    {
        var command = new Command("block", "Read and write raw blocks.\n\nExamples:\n  echo hi | p2p block put\n  p2p block get bafkrei... > block.bin");
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Put());
        command.Subcommands.Add(Stat());
        return command;
    }

    private static Command Get()
    {
        var cid = new Argument<string>("cid") { Description = "CID of the block" };
        var command = new Command("get", "Write a block's bytes to stdout.\n\nExample:\n  p2p block get bafkrei... > block.bin") { cid };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var parsed = CommandRunner.ParseCid(parse.GetValue(cid)!);
            using var node = NodeAccess.Open(parse);
            var data = await node.Getter.GetBlockAsync(parsed, ct);
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(data, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Put()
    {
        var file = new Argument<string?>("file") { Description = "File holding the block (default: stdin)", Arity = ArgumentArity.ZeroOrOne };
        var codec = new Option<string>("--cid-codec") { Description = "raw or dag-pb", DefaultValueFactory = _ => "raw" };
        codec.AcceptOnlyFromAmong("raw", "dag-pb");
        var hash = new Option<string>("--mhtype") { Description = "sha2-256 or blake3", DefaultValueFactory = _ => "sha2-256" };
        hash.AcceptOnlyFromAmong("sha2-256", "blake3");
        var command = new Command("put", "Store one block and print its CID.\n\nExample:\n  p2p block put --cid-codec raw < chunk.bin") { file, codec, hash };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var data = await ReadBoundedAsync(parse.GetValue(file), ct);
            var multihash = parse.GetValue(hash) == "blake3" ? Multihash.Blake3(data) : Multihash.Sha256(data);
            var cid = Cid.V1(parse.GetValue(codec) == "dag-pb" ? Multicodec.DagPb : Multicodec.Raw, multihash);
            using var node = NodeAccess.Open(parse);
            node.PutBlock(cid, data);
            Output.For(parse).Write(cid.ToString(), new { Key = cid.ToString(), Size = data.Length });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Stat()
    {
        var cid = new Argument<string>("cid") { Description = "CID of the block" };
        var command = new Command("stat", "Print a block's size.\n\nExample:\n  p2p block stat bafkrei...") { cid };
        CommandRunner.SetAction(command, (parse, _) =>
        {
            var parsed = CommandRunner.ParseCid(parse.GetValue(cid)!);
            using var node = NodeAccess.Open(parse);
            var size = node.Blocks.GetSize(parsed);
            if (size < 0)
                throw new CliException($"block {parsed} is not in the repo", ExitCodes.NotFound);
            Output.For(parse).Write($"Key: {parsed}\nSize: {size}", new { Key = parsed.ToString(), Size = size });
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

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
