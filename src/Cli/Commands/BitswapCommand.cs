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
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("bitswap/stat", null, ct);
            var output = Output.For(parse);
            if (output.Json)
            {
                output.Write("", answer);
                return ExitCodes.Ok;
            }
            output.Line("bitswap status");
            output.Line($"\tblocks received: {Long(answer, "BlocksReceived")}");
            output.Line($"\tblocks sent: {Long(answer, "BlocksSent")}");
            output.Line($"\tdata received: {Long(answer, "DataReceived")}");
            output.Line($"\tdata sent: {Long(answer, "DataSent")}");
            output.Line($"\tdup blocks received: {Long(answer, "DupBlksReceived")}");
            output.Line($"\tcorrupt blocks received: {Long(answer, "CorruptBlocks")}");
            output.Line($"\tpeers: {answer.GetProperty("Peers").GetArrayLength()}");
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"{"peer",-52} {"received",14} {"blocks",7} {"sent",14} {"blocks",7} {"score",6}"));
            foreach (var peer in answer.GetProperty("Ledgers").EnumerateArray())
            {
                var dropped = peer.GetProperty("Dropped").GetBoolean() ? " dropped" : "";
                output.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{peer.GetProperty("Peer").GetString(),-52} {Long(peer, "BytesReceived"),14} {Long(peer, "BlocksReceived"),7} {Long(peer, "BytesSent"),14} {Long(peer, "BlocksSent"),7} {peer.GetProperty("Score").GetInt32(),6}{dropped}"));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static long Long(JsonElement element, string name) => element.GetProperty(name).GetInt64();
}
