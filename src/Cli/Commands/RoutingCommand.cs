using System.CommandLine;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p routing findprovs|findpeer|provide`: kubo's newer names for the DHT queries; the very commands of
/// `p2p dht` (<see cref="DhtCommand"/>), so both print the same.
/// </summary>
internal static class RoutingCommand
{
    public static Command Create()
    {
        var command = new Command("routing", "Find providers and peers, and announce content, through the running daemon (kubo's `routing`; the same as `p2p dht`).\n\nExamples:\n  p2p routing findprovs bafkrei...\n  p2p routing provide bafkrei...");
        command.Subcommands.Add(DhtCommand.FindProviders());
        command.Subcommands.Add(DhtCommand.FindPeer());
        command.Subcommands.Add(DhtCommand.Provide());
        return command;
    }
}
