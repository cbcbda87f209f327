using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p repo stat`: the repo's size and counts, printed by <see cref="RepoStatText"/> on both paths.</summary>
internal static class RepoStatCommand
{
    public static Command Create()
    {
        var command = new Command("stat", "Print the repo's size and counts.\n\nExample:\n  p2p repo stat --enc json");
        DaemonRoute.SetAction(command, OfflineAsync, RemoteAsync);
        return command;
    }

    private static Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        var s = node.Stat();
        RepoStatText.Write(Output.For(parse), s.BlockCount, s.DiskBytes, s.TotalBytes, s.ScratchBytes, s.PinCount, s.Path, s.Version, s.SyncPolicy.ToString());
        return Task.FromResult(ExitCodes.Ok);
    }

    private static async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
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
}
