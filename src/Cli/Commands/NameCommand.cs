using System.CommandLine;
using P2P.Cli.Infrastructure;
using P2P.Node.Errors;
using P2P.Node.Hosting;
using P2P.Node.Naming;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p name publish|resolve`: IPNS names, as kubo's `ipfs name`. Through the daemon when one runs (records go to the
/// DHT); offline, publish needs --allow-offline (the record stays in this repo until a daemon republishes it) and
/// resolve answers from this repo's own records.
/// </summary>
internal static class NameCommand
{
    public static Command Create()
    {
        var command = new Command("name", "Publish and resolve IPNS names.\n\nExamples:\n  p2p name publish /ipfs/bafy...\n  p2p name resolve k51...");
        command.Subcommands.Add(Publish());
        command.Subcommands.Add(Resolve());
        return command;
    }

    private static Command Publish()
    {
        var path = new Argument<string>("ipfs-path") { Description = "The path to publish: /ipfs/CID[/path], /ipns/NAME, a CID, or a path in the files API (/site)" };
        var key = new Option<string>("--key", "-k") { Description = "Name of the key to publish with (see `p2p key list`)", DefaultValueFactory = _ => KeyStore.SelfName };
        var lifetime = new Option<string>("--lifetime", "-t") { Description = "How long the record stays valid, a duration such as 48h", DefaultValueFactory = _ => "48h" };
        var ttl = new Option<string?>("--ttl") { Description = "How long resolvers may cache the record, a duration such as 5m" };
        var allowOffline = new Option<bool>("--allow-offline") { Description = "Publish without a running daemon: the record is kept in the repo only" };
        var command = new Command("publish", "Publish an IPNS record pointing at a path, signed with a key of this node.\n\nExamples:\n  p2p name publish /ipfs/bafy...\n  p2p name publish --key=mykey --lifetime=24h bafy...")
        {
            path, key, lifetime, ttl, allowOffline,
        };
        DaemonRoute.SetAction(command, async (parse, ct) =>
        {
            var (value, life, cacheTtl) = Arguments(parse, path, lifetime, ttl);
            if (!parse.GetValue(allowOffline))
                throw new CliException("this action must be run in online mode: start `p2p daemon` first, or use --allow-offline", ExitCodes.Error);
            using var node = NodeAccess.Open(parse);
            await using var names = new NameSystem(KeyStore.Open(node.Repo), new PublishedRecords(node.Repo.RootPath), null);
            var published = await names.PublishAsync(parse.GetValue(key)!, await NamePaths.ResolveAsync(node.Files, value, ct), life, cacheTtl, ct);
            PrintPublished(parse, published.Name.ToString(), published.Value);
            return ExitCodes.Ok;
        }, async (parse, daemon, ct) =>
        {
            var (value, life, cacheTtl) = Arguments(parse, path, lifetime, ttl);
            var answer = await daemon.PostJsonAsync("name/publish",
            [
                new("arg", value), new("key", parse.GetValue(key)!), new("lifetime", GoDuration.Format(life)), new("ttl", GoDuration.Format(cacheTtl)),
            ], ct);
            PrintPublished(parse, answer.GetProperty("Name").GetString()!, answer.GetProperty("Value").GetString()!);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Resolve()
    {
        var name = new Argument<string?>("name") { Description = "The name to resolve (k51..., /ipns/k51...); this node's own when left out", Arity = ArgumentArity.ZeroOrOne };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Resolve until the result is not an IPNS name", DefaultValueFactory = _ => true };
        var noCache = new Option<bool>("--nocache", "-n") { Description = "Do not use cached entries" };
        var command = new Command("resolve", "Print the path an IPNS name points at.\n\nExample:\n  p2p name resolve k51...") { name, recursive, noCache };
        DaemonRoute.SetAction(command, async (parse, ct) =>
        {
            using var node = NodeAccess.Open(parse);
            var keys = KeyStore.Open(node.Repo);
            var target = parse.GetValue(name) ?? keys.List()[0].IpnsName.ToString();
            await using var names = new NameSystem(keys, new PublishedRecords(node.Repo.RootPath), null);
            var path = await names.ResolveAsync(target, parse.GetValue(recursive), parse.GetValue(noCache), ct);
            Output.For(parse).Write(path, new { Path = path });
            return ExitCodes.Ok;
        }, async (parse, daemon, ct) =>
        {
            var args = new List<KeyValuePair<string, string>>
            {
                new("recursive", parse.GetValue(recursive) ? "true" : "false"), new("nocache", parse.GetValue(noCache) ? "true" : "false"),
            };
            if (parse.GetValue(name) is { } target)
                args.Insert(0, new("arg", target));
            var answer = await daemon.PostJsonAsync("name/resolve", args, ct);
            var path = answer.GetProperty("Path").GetString()!;
            Output.For(parse).Write(path, new { Path = path });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (string Value, TimeSpan Lifetime, TimeSpan Ttl) Arguments(ParseResult parse, Argument<string> path, Option<string> lifetime, Option<string?> ttl)
    {
        // An MFS path (any other path starting with "/") is resolved where the tree lives, offline or in the daemon.
        var value = parse.GetValue(path)!.Trim();
        if (!NamePaths.IsFilesPath(value))
        {
            try
            {
                value = NameSystem.NormalizeValue(value);
            }
            catch (P2PException e)
            {
                throw new CliException(e.Message, ExitCodes.Usage);
            }
        }
        if (!GoDuration.TryParse(parse.GetValue(lifetime), out var life) || life <= TimeSpan.Zero)
            throw new CliException($"invalid --lifetime '{parse.GetValue(lifetime)}': a positive duration such as 48h", ExitCodes.Usage);
        var cacheTtl = IpnsRecord.DefaultTtl;
        if (parse.GetValue(ttl) is { } text && (!GoDuration.TryParse(text, out cacheTtl) || cacheTtl < TimeSpan.Zero))
            throw new CliException($"invalid --ttl '{text}': a duration such as 5m", ExitCodes.Usage);
        return (value, life, cacheTtl);
    }

    private static void PrintPublished(ParseResult parse, string name, string value) =>
        Output.For(parse).Write($"Published to {name}: {value}", new { Name = name, Value = value });
}
