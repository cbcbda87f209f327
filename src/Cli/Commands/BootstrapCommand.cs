using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p bootstrap [list] | add ADDR... | rm ADDR... | rm --all`: kubo's bootstrap command over config.json's list of
/// peers dialled at start (<see cref="BootstrapEditor"/>); text as kubo prints it, `--enc json` as <c>{"Peers":[…]}</c>.
/// </summary>
internal static class BootstrapCommand
{
    public static Command Create()
    {
        var command = new Command("bootstrap", "Show or edit the peers the daemon dials at start (kubo's `ipfs bootstrap`).\n\nExamples:\n  p2p bootstrap list\n  p2p bootstrap add /ip4/192.0.2.7/udp/4001/p2p/12D3KooW...\n  p2p bootstrap rm --all");
        DaemonRoute.SetAction(command, ListOfflineAsync, ListRemoteAsync);
        var list = new Command("list", "List the bootstrap peers.\n\nExample:\n  p2p bootstrap list");
        DaemonRoute.SetAction(list, ListOfflineAsync, ListRemoteAsync);
        command.Subcommands.Add(list);
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var peers = new Argument<string[]>("peer") { Description = "Multiaddr with /p2p/<PeerId>", Arity = ArgumentArity.OneOrMore };
        var command = new Command("add", "Add peers to the bootstrap list.\n\nExample:\n  p2p bootstrap add /ip4/192.0.2.7/udp/4001/p2p/12D3KooW...") { peers };
        DaemonRoute.SetAction(command,
            (parse, ct) =>
            {
                using var node = NodeAccess.Open(parse);
                Print(parse, "added ", BootstrapEditor.Add(node.Repo, parse.GetValue(peers)!));
                return Task.FromResult(ExitCodes.Ok);
            },
            async (parse, daemon, ct) =>
            {
                var answer = await daemon.PostJsonAsync("bootstrap/add", parse.GetValue(peers)!.Select(p => new KeyValuePair<string, string>("arg", p)), ct);
                Print(parse, "added ", Peers(answer));
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Command Remove()
    {
        var peers = new Argument<string[]>("peer") { Description = "Multiaddr to remove", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Remove every bootstrap peer" };
        var command = new Command("rm", "Remove peers from the bootstrap list.\n\nExamples:\n  p2p bootstrap rm /ip4/192.0.2.7/udp/4001/p2p/12D3KooW...\n  p2p bootstrap rm --all") { peers, all };
        DaemonRoute.SetAction(command,
            (parse, ct) =>
            {
                using var node = NodeAccess.Open(parse);
                Print(parse, "removed ", BootstrapEditor.Remove(node.Repo, parse.GetValue(peers) ?? [], parse.GetValue(all)));
                return Task.FromResult(ExitCodes.Ok);
            },
            async (parse, daemon, ct) =>
            {
                var query = (parse.GetValue(peers) ?? []).Select(p => new KeyValuePair<string, string>("arg", p)).ToList();
                if (parse.GetValue(all))
                    query.Add(new("all", "true"));
                Print(parse, "removed ", Peers(await daemon.PostJsonAsync("bootstrap/rm", query, ct)));
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Task<int> ListOfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        Print(parse, "", BootstrapEditor.List(node.Repo));
        return Task.FromResult(ExitCodes.Ok);
    }

    private static async Task<int> ListRemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        Print(parse, "", Peers(await daemon.PostJsonAsync("bootstrap/list", null, ct)));
        return ExitCodes.Ok;
    }

    private static IReadOnlyList<string> Peers(JsonElement answer) =>
        answer.GetProperty("Peers").EnumerateArray().Select(p => p.GetString() ?? "").ToList();

    /// <summary>One line per peer (kubo: the address, or "added"/"removed" before it); `--enc json`: {"Peers":[…]}.</summary>
    private static void Print(ParseResult parse, string prefix, IReadOnlyList<string> peers)
    {
        var output = Output.For(parse);
        if (output.Json)
        {
            output.Write("", new { Peers = peers });
            return;
        }
        foreach (var peer in peers)
            output.Line(prefix + peer);
    }
}
