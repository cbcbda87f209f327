using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p dht findprovs|findpeer|provide|table`: the daemon's Kademlia DHT.</summary>
internal static class DhtCommand
{
    public static Command Create()
    {
        var command = new Command("dht", "Query the DHT through the running daemon.\n\nExamples:\n  p2p dht findprovs bafkrei...\n  p2p dht table");
        command.Subcommands.Add(FindProviders());
        command.Subcommands.Add(FindPeer());
        command.Subcommands.Add(Provide());
        command.Subcommands.Add(Table());
        return command;
    }

    /// <summary>Also `p2p routing findprovs`, kubo's newer name.</summary>
    internal static Command FindProviders()
    {
        var cid = new Argument<string>("cid") { Description = "CID to find providers of" };
        var count = new Option<int>("--num-providers", "-n") { Description = "Stop after this many providers", DefaultValueFactory = _ => 20 };
        var command = new Command("findprovs", "Print the PeerIds of nodes that provide a CID.\n\nExample:\n  p2p dht findprovs bafkrei...") { cid, count };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var parsed = CommandRunner.ParseCid(parse.GetValue(cid)!);
            if (parse.GetValue(count) is < 1 or > 1000)
                throw new CliException("--num-providers must be 1-1000", ExitCodes.Usage);
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var output = Output.For(parse);
            var found = 0;
            await foreach (var line in daemon.PostLinesAsync("dht/findprovs", [new("arg", parsed.ToString()), new("num-providers", parse.GetValue(count).ToString(System.Globalization.CultureInfo.InvariantCulture))], ct))
            {
                foreach (var response in line.GetProperty("Responses").EnumerateArray())
                {
                    found++;
                    var id = response.GetProperty("ID").GetString();
                    output.Write(id!, new { ID = id, Addrs = Strings(response.GetProperty("Addrs")) });
                }
            }
            if (found == 0)
                throw new CliException($"no providers found for {parsed}", ExitCodes.NotFound);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Also `p2p routing findpeer`, kubo's newer name.</summary>
    internal static Command FindPeer()
    {
        var peer = new Argument<string>("peerid") { Description = "PeerId to locate" };
        var command = new Command("findpeer", "Print the addresses of a peer.\n\nExample:\n  p2p dht findpeer 12D3KooW...") { peer };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var text = parse.GetValue(peer)!;
            if (!PeerId.TryParse(text, out _, out var error))
                throw new CliException($"invalid PeerId '{text}': {error}", ExitCodes.Usage);
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("dht/findpeer", [new("arg", text)], ct);
            var output = Output.For(parse);
            foreach (var response in answer.GetProperty("Responses").EnumerateArray())
            {
                var addrs = Strings(response.GetProperty("Addrs"));
                output.Write(string.Join('\n', addrs), new { ID = response.GetProperty("ID").GetString(), Addrs = addrs });
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Also `p2p routing provide`, kubo's newer name.</summary>
    internal static Command Provide()
    {
        var cid = new Argument<string>("cid") { Description = "CID of a block this node holds" };
        var command = new Command("provide", "Announce to the DHT that this node provides a CID.\n\nExample:\n  p2p dht provide bafkrei...") { cid };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var parsed = CommandRunner.ParseCid(parse.GetValue(cid)!);
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("dht/provide", [new("arg", parsed.ToString())], ct);
            var stored = answer.GetProperty("Stored").GetInt32();
            var attempted = answer.GetProperty("Attempted").GetInt32();
            Output.For(parse).Write($"provided {parsed} to {stored} of {attempted} closest peers",
                new { Key = parsed.ToString(), Stored = stored, Attempted = attempted });
            return stored > 0 || attempted == 0 ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private static Command Table()
    {
        var command = new Command("table", "Print the routing table: each k-bucket (by shared prefix length) and its peers.\n\nExample:\n  p2p dht table");
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("dht/table", null, ct);
            var output = Output.For(parse);
            if (output.Json)
            {
                output.Write("", answer);
                return ExitCodes.Ok;
            }
            output.Line($"{answer.GetProperty("Total").GetInt32()} peers");
            foreach (var bucket in answer.GetProperty("Buckets").EnumerateArray())
            {
                var peers = bucket.GetProperty("Peers");
                output.Line($"bucket {bucket.GetProperty("Bucket").GetInt32()} ({peers.GetArrayLength()} peers)");
                foreach (var p in peers.EnumerateArray())
                    output.Line($"  {p.GetProperty("ID").GetString()} {string.Join(' ', Strings(p.GetProperty("Addrs")))}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString() ?? "").ToArray();
}
