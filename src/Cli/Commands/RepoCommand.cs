using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>`p2p repo stat|verify|gc`.</summary>
internal static class RepoCommand
{
    public static Command Create()
    {
        var command = new Command("repo", "Inspect and maintain the repo.\n\nExamples:\n  p2p repo stat\n  p2p repo verify\n  p2p repo gc");
        command.Subcommands.Add(Stat());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Gc());
        return command;
    }

    private static Command Stat()
    {
        var command = new Command("stat", "Print the repo's size and counts.\n\nExample:\n  p2p repo stat --enc json");
        CommandRunner.SetAction(command, (parse, _) =>
        {
            using var node = NodeAccess.Open(parse);
            var s = node.Stat();
            RepoStatText.Write(Output.For(parse), s.BlockCount, s.DiskBytes, s.TotalBytes, s.ScratchBytes, s.PinCount, s.Path, s.Version, s.SyncPolicy.ToString());
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Verify()
    {
        var command = new Command("verify", "Re-hash every block and name any that is corrupted.\n\nExample:\n  p2p repo verify");
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var node = NodeAccess.Open(parse);
            var result = node.Verify(ct);
            var output = Output.For(parse);
            foreach (var bad in result.Corrupted)
                output.Write($"corrupted block {bad}", new { Msg = "corrupted", Cid = bad.ToString() });
            foreach (var unreadable in result.Unreadable)
                output.Write($"unreadable block {unreadable}", new { Msg = "unreadable", Block = unreadable.ToString() });
            foreach (var missing in result.Missing)
                output.Write($"missing block {missing}", new { Msg = "missing", Block = missing.ToString() });
            foreach (var lost in result.Lost)
                output.Write($"lost block {lost}", new { Msg = "lost", Block = lost.Block.ToString(), lost.Note });
            // A lost pin set is damage too: gc refuses until it is restored.
            var pinProblem = node.Repo.Pins.Problem;
            if (pinProblem is not null)
                output.Write($"damaged pins: {pinProblem}", new { Msg = "pins", Error = pinProblem });
            if (result.IsHealthy && pinProblem is null)
            {
                output.Write($"verified {result.Checked} blocks: repo is healthy", new { Checked = result.Checked, Healthy = true });
                return Task.FromResult(ExitCodes.Ok);
            }
            var problems = $"{result.ProblemCount} problems found ({result.Checked} blocks checked)";
            Console.Error.WriteLine(pinProblem is null ? $"Error: {problems}" : $"Error: the pin set is lost and {problems}");
            return Task.FromResult(ExitCodes.Corrupt);
        });
        return command;
    }

    private static Command Gc()
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the summary" };
        var command = new Command("gc", "Remove every block that no pin keeps.\n\nExample:\n  p2p repo gc") { quiet };
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            using var node = NodeAccess.Open(parse);
            var result = node.CollectGarbage(ct);
            var output = Output.For(parse);
            if (!parse.GetValue(quiet))
            {
                foreach (var cid in result.Removed)
                    output.Write($"removed {cid}", new { Key = cid.ToString() });
            }
            if (!output.Json)
                output.Line($"removed {result.Removed.Count} blocks ({Units.Bytes(result.BytesFreed)}), kept {result.Kept}");
            return Task.FromResult(GcReport.Print(output, result.Repaired, result.Damaged.Select(static d => d.ToString()),
                result.Missing.Select(static m => m.ToString()), result.Shortfall));
        });
        return command;
    }
}
