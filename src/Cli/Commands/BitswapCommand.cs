using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p bitswap stat`: the running daemon's exchange totals and its ledger with every peer (bytes and blocks
/// received from and sent to it), as kubo's `ipfs bitswap stat` plus its per-peer ledgers in one answer.
/// </summary>
internal static class BitswapCommand
{
    public static Command Create()
    {
        var command = new Command("bitswap", "Inspect the running daemon's block exchange.\n\nExamples:\n  p2p bitswap stat\n  p2p bitswap stat --enc json");
        command.Subcommands.Add(Stat());
        return command;
    }

    private static Command Stat()
    {
        var command = new Command("stat", "Totals, then one line per peer: bytes received from it, bytes sent to it, blocks, score.\n\nExample:\n  p2p bitswap stat");
        CommandRunner.SetAction(command, (parse, ct) => DaemonStat.RunAsync(parse, "bitswap/stat", Print, ct));
        return command;
    }

    private static void Print(JsonElement answer, Output output)
    {
        new StatTable("bitswap status", "\t")
            .Row("blocks received", Long(answer, "BlocksReceived"))
            .Row("blocks sent", Long(answer, "BlocksSent"))
            .Row("data received", Long(answer, "DataReceived"))
            .Row("data sent", Long(answer, "DataSent"))
            .Row("dup blocks received", Long(answer, "DupBlksReceived"))
            .Row("corrupt blocks received", Long(answer, "CorruptBlocks"))
            .Row("peers", answer.GetProperty("Peers").GetArrayLength())
            .WriteTo(output);
        output.Line(string.Create(CultureInfo.InvariantCulture,
            $"{"peer",-52} {"received",14} {"blocks",7} {"sent",14} {"blocks",7} {"score",6}"));
        foreach (var peer in answer.GetProperty("Ledgers").EnumerateArray())
        {
            var dropped = peer.GetProperty("Dropped").GetBoolean() ? " dropped" : "";
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"{peer.GetProperty("Peer").GetString(),-52} {Long(peer, "BytesReceived"),14} {Long(peer, "BlocksReceived"),7} {Long(peer, "BytesSent"),14} {Long(peer, "BlocksSent"),7} {peer.GetProperty("Score").GetInt32(),6}{dropped}"));
        }
    }

    private static long Long(JsonElement element, string name) => element.GetProperty(name).GetInt64();
}
