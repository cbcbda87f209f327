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
        CommandRunner.SetAction(bw, (parse, ct) => DaemonStat.RunAsync(parse, "stats/bw", (answer, output) =>
            new StatTable("Bandwidth")
                .Row("TotalIn", Units.Bytes(answer.GetProperty("TotalIn").GetInt64()))
                .Row("TotalOut", Units.Bytes(answer.GetProperty("TotalOut").GetInt64()))
                .Row("RateIn", $"{Units.Bytes((long)answer.GetProperty("RateIn").GetDouble())}/s")
                .Row("RateOut", $"{Units.Bytes((long)answer.GetProperty("RateOut").GetDouble())}/s")
                .WriteTo(output), ct));
        command.Subcommands.Add(bw);
        return command;
    }
}
