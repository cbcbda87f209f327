using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p repo gc`: removes every block no pin keeps, then reports the pack's health (<see cref="GcReport"/>).</summary>
internal sealed class RepoGcCommand
{
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print only the summary" };

    public static Command Create()
    {
        var gc = new RepoGcCommand();
        var command = new Command("gc", "Remove every block that no pin keeps.\n\nExample:\n  p2p repo gc") { gc._quiet };
        DaemonRoute.SetAction(command, gc.OfflineAsync, gc.RemoteAsync);
        return command;
    }

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var result = node.CollectGarbage(ct);
        var output = Output.For(parse);
        PrintRemoved(parse, output, result.Removed.Select(static c => c.ToString()).ToList(), result.BytesFreed, result.Kept);
        return Task.FromResult(GcReport.Print(output, result.Repaired, result.Damaged.Select(static d => d.ToString()),
            result.Missing.Select(static m => m.ToString()), result.Shortfall));
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var r = await daemon.PostJsonAsync("repo/gc", null, ct);
        var output = Output.For(parse);
        PrintRemoved(parse, output, r.GetProperty("Removed").EnumerateArray().Select(e => e.GetString()!).ToList(),
            r.GetProperty("BytesFreed").GetInt64(), r.GetProperty("Kept").GetInt32());
        var shortfall = DaemonJson.String(r, "Shortfall");
        return GcReport.Print(output, DaemonJson.Strings(r, "Repaired"), DaemonJson.Strings(r, "Damaged"), DaemonJson.Strings(r, "Missing"), shortfall);
    }

    private void PrintRemoved(ParseResult parse, Output output, List<string> removed, long bytesFreed, int kept)
    {
        if (!parse.GetValue(_quiet))
        {
            foreach (var cid in removed)
                output.Write($"removed {cid}", new { Key = cid });
        }
        if (!output.Json)
            output.Line($"removed {removed.Count} blocks ({Units.Bytes(bytesFreed)}), kept {kept}");
    }
}
