using System.CommandLine;

namespace P2P.Cli.Infrastructure;

/// <summary>`pin`, `block` and `repo` sent to a running daemon, printed exactly as the offline commands print.</summary>
internal static class RemoteRepoClient
{
    private const int MaxBlockSize = 2 * 1024 * 1024;

    public static async Task<int> PinAddAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cids = parse.GetValue<string[]>("cid")!.Select(CommandRunner.ParseCid).ToList();
        var recursive = parse.GetValue<bool>("--recursive");
        var output = Output.For(parse);
        foreach (var cid in cids)
        {
            await daemon.PostJsonAsync("pin/add", [new("arg", cid.ToString()), new("recursive", recursive ? "true" : "false")], ct);
            output.Write($"pinned {cid} {(recursive ? "recursively" : "directly")}", new { Pins = new[] { cid.ToString() } });
        }
        return ExitCodes.Ok;
    }

    public static async Task<int> PinRemoveAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cids = parse.GetValue<string[]>("cid")!.Select(CommandRunner.ParseCid).ToList();
        var output = Output.For(parse);
        foreach (var cid in cids)
        {
            await daemon.PostJsonAsync("pin/rm", [new("arg", cid.ToString())], ct);
            output.Write($"unpinned {cid}", new { Pins = new[] { cid.ToString() } });
        }
        return ExitCodes.Ok;
    }

    public static async Task<int> PinListAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("pin/ls", [new("type", parse.GetValue<string>("--type") ?? "all")], ct);
        var output = Output.For(parse);
        foreach (var key in answer.GetProperty("Keys").EnumerateObject())
        {
            var kind = key.Value.GetProperty("Type").GetString();
            output.Write($"{key.Name} {kind}", new { Cid = key.Name, Type = kind });
        }
        return ExitCodes.Ok;
    }

    public static async Task<int> BlockGetAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cid = CommandRunner.ParseCid(parse.GetValue<string>("cid")!);
        using var response = await daemon.PostStreamAsync("block/get", [new("arg", cid.ToString())], ct);
        await using var stdout = Console.OpenStandardOutput();
        await response.Content.CopyToAsync(stdout, ct);
        return ExitCodes.Ok;
    }

    public static async Task<int> BlockPutAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var path = parse.GetValue<string?>("file");
        await using var input = path is null ? Console.OpenStandardInput() : File.OpenRead(path);
        var buffer = new byte[MaxBlockSize + 1];
        var n = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxBlockSize)
            throw new CliException($"block is larger than {MaxBlockSize} bytes; use `p2p add` for files");
        using var body = new ByteArrayContent(buffer, 0, n);
        var answer = await daemon.PostJsonAsync("block/put",
            [new("cid-codec", parse.GetValue<string>("--cid-codec") ?? "raw"), new("mhtype", parse.GetValue<string>("--mhtype") ?? "sha2-256")], ct, body);
        var key = answer.GetProperty("Key").GetString()!;
        Output.For(parse).Write(key, new { Key = key, Size = n });
        return ExitCodes.Ok;
    }

    public static async Task<int> BlockStatAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var cid = CommandRunner.ParseCid(parse.GetValue<string>("cid")!);
        var answer = await daemon.PostJsonAsync("block/stat", [new("arg", cid.ToString())], ct);
        var size = answer.GetProperty("Size").GetInt32();
        Output.For(parse).Write($"Key: {cid}\nSize: {size}", new { Key = cid.ToString(), Size = size });
        return ExitCodes.Ok;
    }

    public static async Task<int> RepoStatAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var s = await daemon.PostJsonAsync("repo/stat", null, ct);
        var size = s.GetProperty("RepoSize").GetInt64();
        // A daemon older than the BlockSize field reported block bytes as RepoSize.
        var blocks = s.TryGetProperty("BlockSize", out var b) ? b.GetInt64() : size;
        var scratch = s.TryGetProperty("ScratchSize", out var sc) ? sc.GetInt64() : 0;
        RepoStatText.Write(Output.For(parse), s.GetProperty("NumObjects").GetInt64(), size, blocks, scratch, s.GetProperty("Pins").GetInt32(),
            s.GetProperty("RepoPath").GetString(), s.GetProperty("Version").GetInt32(), s.GetProperty("SyncPolicy").GetString());
        return ExitCodes.Ok;
    }

    public static async Task<int> RepoVerifyAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var r = await daemon.PostJsonAsync("repo/verify", null, ct);
        var output = Output.For(parse);
        var corrupted = r.GetProperty("Corrupted").EnumerateArray().Select(e => e.GetString()!).ToList();
        var unreadable = r.GetProperty("Unreadable").EnumerateArray().Select(e => e.GetString()!).ToList();
        var checkedCount = r.GetProperty("Checked").GetInt32();
        foreach (var bad in corrupted)
            output.Write($"corrupted block {bad}", new { Msg = "corrupted", Cid = bad });
        foreach (var u in unreadable)
            output.Write($"unreadable block {u}", new { Msg = "unreadable", Block = u });
        var missing = Strings(r, "Missing");
        foreach (var m in missing)
            output.Write($"missing block {m}", new { Msg = "missing", Block = m });
        var lost = Strings(r, "Lost");
        foreach (var l in lost)
            output.Write($"lost block {l}", new { Msg = "lost", Block = l });
        var pinProblem = r.TryGetProperty("PinsError", out var p) && p.ValueKind == System.Text.Json.JsonValueKind.String ? p.GetString() : null;
        if (pinProblem is not null)
            output.Write($"damaged pins: {pinProblem}", new { Msg = "pins", Error = pinProblem });
        if (corrupted.Count == 0 && unreadable.Count == 0 && missing.Count == 0 && lost.Count == 0 && pinProblem is null)
        {
            output.Write($"verified {checkedCount} blocks: repo is healthy", new { Checked = checkedCount, Healthy = true });
            return ExitCodes.Ok;
        }
        var problems = $"{corrupted.Count + unreadable.Count + missing.Count + lost.Count} problems found ({checkedCount} blocks checked)";
        Console.Error.WriteLine(pinProblem is null ? $"Error: {problems}" : $"Error: the pin set is lost and {problems}");
        return ExitCodes.Corrupt;
    }

    public static async Task<int> RepoGcAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var r = await daemon.PostJsonAsync("repo/gc", null, ct);
        var output = Output.For(parse);
        var removed = r.GetProperty("Removed").EnumerateArray().Select(e => e.GetString()!).ToList();
        if (!parse.GetValue<bool>("--quiet"))
        {
            foreach (var cid in removed)
                output.Write($"removed {cid}", new { Key = cid });
        }
        if (!output.Json)
            output.Line($"removed {removed.Count} blocks ({Units.Bytes(r.GetProperty("BytesFreed").GetInt64())}), kept {r.GetProperty("Kept").GetInt32()}");
        var shortfall = r.TryGetProperty("Shortfall", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String ? s.GetString() : null;
        return GcReport.Print(output, Strings(r, "Repaired"), Strings(r, "Damaged"), Strings(r, "Missing"), shortfall);
    }

    /// <summary>A string array field, or empty when an older daemon does not send it.</summary>
    private static List<string> Strings(System.Text.Json.JsonElement r, string name) =>
        r.TryGetProperty(name, out var a) && a.ValueKind == System.Text.Json.JsonValueKind.Array ? a.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

}
