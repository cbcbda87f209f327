using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p repo verify`: re-hashes every block and names each corrupted, unreadable or missing one, each block the pack
/// store noted lost in quarantine, and a damaged pin set; exits 5 when anything is wrong. The repo's own check offline, the daemon's `repo/verify` otherwise.
/// </summary>
internal static class RepoVerifyCommand
{
    public static Command Create()
    {
        var command = new Command("verify", "Re-hash every block and name any that is corrupted.\n\nExample:\n  p2p repo verify");
        DaemonRoute.SetAction(command, OfflineAsync, RemoteAsync);
        return command;
    }

    private static Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var result = node.Verify(ct);
        // A lost pin set is damage too: gc refuses until it is restored.
        return Task.FromResult(Print(Output.For(parse), result.Checked, Strings(result.Corrupted), Strings(result.Unreadable),
            Strings(result.Missing), result.Lost.Select(Lost).ToList(), node.Repo.Pins.Problem));
    }

    private static async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var r = await daemon.PostJsonAsync("repo/verify", null, ct);
        var pinProblem = DaemonJson.String(r, "PinsError");
        return Print(Output.For(parse), r.GetProperty("Checked").GetInt32(), DaemonJson.Strings(r, "Corrupted"), DaemonJson.Strings(r, "Unreadable"),
            DaemonJson.Strings(r, "Missing"), DaemonJson.Strings(r, "Lost").Select(Lost).ToList(), pinProblem);
    }

    private static int Print(
        Output output, int checkedCount, List<string> corrupted, List<string> unreadable, List<string> missing, List<(string Text, object Json)> lost,
        string? pinProblem)
    {
        foreach (var bad in corrupted)
            output.Write($"corrupted block {bad}", new { Msg = "corrupted", Cid = bad });
        foreach (var u in unreadable)
            output.Write($"unreadable block {u}", new { Msg = "unreadable", Block = u });
        foreach (var m in missing)
            output.Write($"missing block {m}", new { Msg = "missing", Block = m });
        foreach (var (text, json) in lost)
            output.Write($"lost block {text}", json);
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

    /// <summary>A lost block offline: its CID and the quarantine note that recorded the loss, as fields of their own.</summary>
    private static (string Text, object Json) Lost(LostBlock lost) =>
        (lost.ToString(), new { Msg = "lost", Block = lost.Block.ToString(), lost.Note });

    /// <summary>A lost block as the daemon sends it: one string, the block and its note together.</summary>
    private static (string Text, object Json) Lost(string lost) => (lost, new { Msg = "lost", Block = lost });

    private static List<string> Strings<T>(IEnumerable<T> items) where T : notnull => items.Select(i => i.ToString()!).ToList();
}
