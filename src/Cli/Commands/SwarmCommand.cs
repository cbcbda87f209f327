using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p swarm peers|connect`: the daemon's live connections.</summary>
internal static class SwarmCommand
{
    public static Command Create()
    {
        var command = new Command("swarm", "Inspect and open connections of the running daemon.\n\nExamples:\n  p2p swarm peers\n  p2p swarm connect /ip4/127.0.0.1/udp/4001/p2p/12D3KooW...");
        command.Subcommands.Add(Peers());
        command.Subcommands.Add(Connect());
        return command;
    }

    private static Command Peers()
    {
        var command = new Command("peers", "List connected peers as ADDR/p2p/PEERID.\n\nExample:\n  p2p swarm peers");
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("swarm/peers", null, ct);
            var output = Output.For(parse);
            foreach (var peer in answer.GetProperty("Peers").EnumerateArray())
            {
                var addr = peer.GetProperty("Addr").GetString();
                var id = peer.GetProperty("Peer").GetString();
                var latency = peer.GetProperty("Latency").GetString();
                output.Write($"{addr}/p2p/{id} {latency}", new { Addr = addr, Peer = id, Latency = latency });
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Connect()
    {
        var address = new Argument<string>("address") { Description = "Multiaddr of the peer: /ip4/A/udp/P/p2p/PEERID" };
        var command = new Command("connect", "Connect to a peer (its PeerId is checked by the handshake).\n\nExample:\n  p2p swarm connect /ip4/127.0.0.1/udp/4001/p2p/12D3KooW...") { address };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var text = parse.GetValue(address)!;
            if (!Multiaddr.TryParse(text, out _, out var error))
                throw new CliException(error!, ExitCodes.Usage);
            using var daemon = await DaemonClient.RequireAsync(RepoAccess.PathFor(parse), ct);
            var answer = await daemon.PostJsonAsync("swarm/connect", [new("arg", text)], ct);
            var output = Output.For(parse);
            foreach (var line in answer.GetProperty("Strings").EnumerateArray())
                output.Write(line.GetString()!, new { Strings = new[] { line.GetString() } });
            return ExitCodes.Ok;
        });
        return command;
    }
}
