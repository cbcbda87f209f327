using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>`p2p id`: the node's PeerId and, while a daemon runs, the addresses it listens on.</summary>
internal static class IdCommand
{
    public static Command Create()
    {
        var command = new Command("id", "Show this node's PeerId and addresses.\n\nExamples:\n  p2p id\n  p2p id --enc json");
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var output = Output.For(parse);
            using var daemon = await DaemonClient.TryConnectAsync(RepoAccess.PathFor(parse), ct);
            if (daemon is not null)
            {
                var id = await daemon.PostJsonAsync("id", null, ct);
                var peer = id.GetProperty("ID").GetString()!;
                var addresses = id.GetProperty("Addresses").EnumerateArray().Select(a => a.GetString()!).ToArray();
                output.Write($"{peer}\n{string.Join('\n', addresses)}", new { ID = peer, Addresses = addresses });
                return ExitCodes.Ok;
            }
            using var node = NodeAccess.Open(parse);
            var peerId = node.PeerId().ToString();
            var listen = Multiaddr.Parse(node.Repo.Config.Listen);
            var address = Multiaddr.Format(listen.EndPoint, node.PeerId());
            output.Write($"{peerId}\n{address}", new { ID = peerId, Addresses = new[] { address } });
            return ExitCodes.Ok;
        });
        return command;
    }
}
