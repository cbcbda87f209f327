using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p ping PEER`: round trips to a peer through the running daemon (kubo's `ipfs ping`).</summary>
internal static class PingCommand
{
    public static Command Create()
    {
        var peer = new Argument<string>("peerid") { Description = "PeerId of the peer to ping" };
        var count = new Option<int>("--count", "-n") { Description = "Number of pings", DefaultValueFactory = _ => 10 };
        var command = new Command("ping", "Measure the round trip to a peer (found through the DHT, dialled directly or through a relay).\n\nExample:\n  p2p ping 12D3KooW... -n 5") { peer, count };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var text = parse.GetValue(peer)!;
            if (!PeerId.TryParse(text, out _, out var error))
                throw new CliException($"invalid PeerId '{text}': {error}", ExitCodes.Usage);
            if (parse.GetValue(count) is < 1 or > 1000)
                throw new CliException("--count must be 1-1000", ExitCodes.Usage);
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var output = Output.For(parse);
            var answered = 0;
            string? failure = null;
            var query = new KeyValuePair<string, string>[] { new("arg", text), new("count", parse.GetValue(count).ToString(CultureInfo.InvariantCulture)) };
            await foreach (var line in daemon.PostLinesAsync("ping", query, ct))
            {
                var success = line.GetProperty("Success").GetBoolean();
                var nanoseconds = line.GetProperty("Time").GetInt64();
                var said = line.GetProperty("Text").GetString() ?? "";
                if (success && nanoseconds > 0)
                {
                    answered++;
                    said = string.Create(CultureInfo.InvariantCulture, $"Pong received: time={nanoseconds / 1e6:0.###} ms");
                }
                else if (!success)
                {
                    failure = said;
                }
                output.Write(said, new { Success = success, Time = nanoseconds, Text = said });
            }
            if (answered == 0)
                throw new CliException(failure ?? $"no answer from {text}", ExitCodes.NotFound);
            return ExitCodes.Ok;
        });
        return command;
    }
}
