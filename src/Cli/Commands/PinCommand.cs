using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>`p2p pin add|rm|ls|verify`: what garbage collection must keep, and whether it is all there.</summary>
internal static class PinCommand
{
    public static Command Create()
    {
        var command = new Command("pin", "Keep content from garbage collection.\n\nExamples:\n  p2p pin add bafybei...\n  p2p pin ls --type recursive\n  p2p pin verify");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(List());
        command.Subcommands.Add(PinVerifyCommand.Create());
        return command;
    }

    private static Command Add()
    {
        var cids = new Argument<string[]>("cid") { Arity = ArgumentArity.OneOrMore, Description = "CIDs to pin" };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Pin the whole DAG (default true); false pins one block", DefaultValueFactory = _ => true };
        var command = new Command("add", "Pin content (the whole DAG must be in the repo).\n\nExample:\n  p2p pin add bafybei...") { cids, recursive };
        CommandRunner.SetAction(command, async (parse, ct) =>
        {
            var parsed = parse.GetValue(cids)!.Select(CommandRunner.ParseCid).ToList();
            using var node = NodeAccess.Open(parse);
            var output = Output.For(parse);
            foreach (var cid in parsed)
            {
                await node.PinAsync(cid, parse.GetValue(recursive), ct);
                output.Write($"pinned {cid} {(parse.GetValue(recursive) ? "recursively" : "directly")}", new { Pins = new[] { cid.ToString() } });
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var cids = new Argument<string[]>("cid") { Arity = ArgumentArity.OneOrMore, Description = "CIDs to unpin" };
        var command = new Command("rm", "Remove pins; the blocks stay until `p2p repo gc`.\n\nExample:\n  p2p pin rm bafybei...") { cids };
        CommandRunner.SetAction(command, (parse, _) =>
        {
            var parsed = parse.GetValue(cids)!.Select(CommandRunner.ParseCid).ToList();
            using var node = NodeAccess.Open(parse);
            var output = Output.For(parse);
            foreach (var cid in parsed)
            {
                if (!node.Unpin(cid))
                    throw new CliException($"{cid} is not pinned", ExitCodes.NotFound);
                output.Write($"unpinned {cid}", new { Pins = new[] { cid.ToString() } });
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command List()
    {
        var type = new Option<string>("--type", "-t") { Description = "all, recursive or direct", DefaultValueFactory = _ => "all" };
        type.AcceptOnlyFromAmong("all", "recursive", "direct");
        var command = new Command("ls", "List pins.\n\nExample:\n  p2p pin ls --type recursive") { type };
        CommandRunner.SetAction(command, (parse, _) =>
        {
            using var node = NodeAccess.Open(parse);
            var output = Output.For(parse);
            var wanted = parse.GetValue(type);
            foreach (var pin in node.Pins())
            {
                var kind = pin.Kind == PinKind.Recursive ? "recursive" : "direct";
                if (wanted != "all" && wanted != kind)
                    continue;
                output.Write($"{pin.Cid} {kind}", new { Cid = pin.Cid.ToString(), Type = kind });
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
