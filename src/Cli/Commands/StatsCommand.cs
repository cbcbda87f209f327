using System.CommandLine;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p stats bw`: the running daemon's block bytes received and sent, totals and current rates, in kubo's
/// `ipfs stats bw` layout. Needs a daemon (the counters live in it).
/// </summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var command = new Command("stats", "Inspect the running daemon's traffic.\n\nExamples:\n  p2p stats bw\n  p2p stats bw --enc json");
        var bw = new Command("bw", "Bytes received and sent through the block exchange, totals and rates.\n\nExample:\n  p2p stats bw");
        CommandRunner.SetAction(bw, async (parse, ct) =>
        {
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("stats/bw", null, ct);
            var output = Output.For(parse);
            if (output.Json)
            {
                output.Write("", answer);
                return ExitCodes.Ok;
            }
            output.Line("Bandwidth");
            output.Line($"TotalIn: {Units.Bytes(answer.GetProperty("TotalIn").GetInt64())}");
            output.Line($"TotalOut: {Units.Bytes(answer.GetProperty("TotalOut").GetInt64())}");
            output.Line($"RateIn: {Units.Bytes((long)answer.GetProperty("RateIn").GetDouble())}/s");
            output.Line($"RateOut: {Units.Bytes((long)answer.GetProperty("RateOut").GetDouble())}/s");
            return ExitCodes.Ok;
        });
        command.Subcommands.Add(bw);
        return command;
    }
}
