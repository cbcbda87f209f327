using System.CommandLine;
using System.Text.Json;
using P2P.Cli.Infrastructure;
using P2P.Node.Naming;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p key gen|ls|list|rm|rename|export|import`: kubo's key commands over the repo's keystore (<see cref="KeyStore"/>),
/// with kubo's flags, text and `--enc json` answers. With a daemon running they go through its API (key/*), except
/// export, which kubo never sends over the API: it reads the keystore file itself, which is safe beside a daemon.
/// </summary>
internal static class KeyCommand
{
    private static readonly Option<string> IpnsBase = new("--ipns-base")
    {
        Description = "Encoding of the key ids: base36 (k51…), base32 or b58mh (12D3KooW…)",
        DefaultValueFactory = _ => "base36",
    };

    public static Command Create()
    {
        var command = new Command("key", "Create and list IPNS name keypairs (kubo's `ipfs key`).\n\nExamples:\n  p2p key gen mykey\n  p2p key ls -l\n  p2p key rename mykey site\n  p2p key export site -o site.key");
        command.Subcommands.Add(Gen());
        command.Subcommands.Add(List("ls", "List all local keypairs."));
        command.Subcommands.Add(List("list", "List all local keypairs (kubo's older name for ls)."));
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Rename());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        return command;
    }

    private static Command Gen()
    {
        var name = new Argument<string>("name") { Description = "Name of the key to create" };
        var type = new Option<string>("--type", "-t") { Description = "Type of the key to create: ed25519 (rsa and secp256k1 are not supported)", DefaultValueFactory = _ => "ed25519" };
        var size = new Option<int?>("--size", "-s") { Description = "Size of the key to generate (ignored for ed25519, whose size is fixed)" };
        var command = new Command("gen", "Create a new keypair; prints its IPNS name.\n\nExample:\n  p2p key gen mykey") { name, type, size, IpnsBase };
        DaemonRoute.SetAction(command,
            (parse, ct) => Offline(parse, keys => PrintKey(parse, keys.Generate(parse.GetValue(name)!, parse.GetValue(type)!))),
            async (parse, daemon, ct) =>
            {
                var answer = await daemon.PostJsonAsync("key/gen", [new("arg", parse.GetValue(name)!), new("type", parse.GetValue(type)!), Base(parse)], ct);
                PrintKey(parse, answer.GetProperty("Name").GetString()!, answer.GetProperty("Id").GetString()!);
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Command List(string verb, string description)
    {
        var withIds = new Option<bool>("-l") { Description = "Show extra information about keys (their ids)" };
        var command = new Command(verb, $"{description}\n\nExample:\n  p2p key {verb} -l") { withIds, IpnsBase };
        DaemonRoute.SetAction(command,
            (parse, ct) => Offline(parse, keys => PrintList(parse, withIds, Entries(parse, keys.List()))),
            async (parse, daemon, ct) =>
            {
                PrintList(parse, withIds, Entries(await daemon.PostJsonAsync("key/ls", [Base(parse)], ct)));
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Command Remove()
    {
        var names = new Argument<string[]>("name") { Description = "Names of the keys to remove", Arity = ArgumentArity.OneOrMore };
        var withIds = new Option<bool>("-l") { Description = "Show extra information about keys (their ids)" };
        var command = new Command("rm", "Remove keypairs.\n\nExample:\n  p2p key rm mykey") { names, withIds, IpnsBase };
        DaemonRoute.SetAction(command,
            (parse, ct) => Offline(parse, keys => PrintList(parse, withIds, Entries(parse, parse.GetValue(names)!.Select(keys.Remove).ToList()))),
            async (parse, daemon, ct) =>
            {
                var query = parse.GetValue(names)!.Select(n => new KeyValuePair<string, string>("arg", n)).Append(Base(parse));
                PrintList(parse, withIds, Entries(await daemon.PostJsonAsync("key/rm", query, ct)));
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Command Rename()
    {
        var from = new Argument<string>("name") { Description = "Name of the key to rename" };
        var to = new Argument<string>("newName") { Description = "New name of the key" };
        var force = new Option<bool>("--force", "-f") { Description = "Allow to overwrite an existing key" };
        var command = new Command("rename", "Rename a keypair.\n\nExample:\n  p2p key rename mykey site") { from, to, force, IpnsBase };
        DaemonRoute.SetAction(command,
            (parse, ct) => Offline(parse, keys =>
            {
                var (info, overwritten) = keys.Rename(parse.GetValue(from)!, parse.GetValue(to)!, parse.GetValue(force));
                PrintRename(parse, parse.GetValue(from)!, info.Name, KeyFormats.FormatId(info.IpnsName, parse.GetValue(IpnsBase)), overwritten);
            }),
            async (parse, daemon, ct) =>
            {
                var query = new List<KeyValuePair<string, string>> { new("arg", parse.GetValue(from)!), new("arg", parse.GetValue(to)!), Base(parse) };
                if (parse.GetValue(force))
                    query.Add(new("force", "true"));
                var answer = await daemon.PostJsonAsync("key/rename", query, ct);
                PrintRename(parse, answer.GetProperty("Was").GetString()!, answer.GetProperty("Now").GetString()!,
                    answer.GetProperty("Id").GetString()!, answer.GetProperty("Overwrite").GetBoolean());
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Command Export()
    {
        var name = new Argument<string>("name") { Description = "Name of the key to export" };
        var output = new Option<string?>("--output", "-o") { Description = "The path where the output should be stored (default ./NAME.key, or NAME.pem for PEM)" };
        var format = new Option<string>("--format", "-f")
        {
            Description = $"The format of the exported private key: {KeyFormats.Libp2pProtobuf} or {KeyFormats.PemPkcs8}",
            DefaultValueFactory = _ => KeyFormats.Libp2pProtobuf,
        };
        var command = new Command("export", "Export a keypair to a file (mode 0600). Works beside a running daemon: the keystore is only read.\n\nExample:\n  p2p key export mykey -o mykey.key") { name, output, format };
        CommandRunner.SetAction(command, (parse, ct) =>
        {
            var repo = RepoAccess.PathFor(parse);
            if (!Repo.Exists(repo))
                throw new CliException($"no p2p repo at {repo}: run `p2p init`", ExitCodes.Repo);
            var keyName = parse.GetValue(name)!;
            var fmt = parse.GetValue(format)!;
            var bytes = new KeyStore(repo).Export(keyName, fmt);
            try
            {
                var path = parse.GetValue(output) is { Length: > 0 } o ? o : Path.GetFileName($"{keyName}.{KeyFormats.Extension(fmt)}".TrimEnd('/'));
                AtomicFile.Write(path, bytes, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            finally
            {
                Array.Clear(bytes);
            }
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command Import()
    {
        var name = new Argument<string>("name") { Description = "Name to associate with the key in the keystore" };
        var file = new Argument<string>("key") { Description = "Key file, as written by `key export` (kubo's or p2p's)" };
        var format = new Option<string>("--format", "-f")
        {
            Description = $"The format of the private key to import: {KeyFormats.Libp2pProtobuf} or {KeyFormats.PemPkcs8}",
            DefaultValueFactory = _ => KeyFormats.Libp2pProtobuf,
        };
        var anyType = new Option<bool>("--allow-any-key-type") { Description = "Accepted for kubo's scripts; only ed25519 keys can be used either way" };
        var command = new Command("import", "Import a key and print its IPNS name.\n\nExample:\n  p2p key import mykey mykey.key") { name, file, format, anyType, IpnsBase };
        DaemonRoute.SetAction(command,
            (parse, ct) =>
            {
                var bytes = ReadKeyFile(parse.GetValue(file)!);
                return Offline(parse, keys => PrintKey(parse, keys.Import(parse.GetValue(name)!, bytes, parse.GetValue(format)!)));
            },
            async (parse, daemon, ct) =>
            {
                using var body = new MultipartFormDataContent();
                body.Add(new ByteArrayContent(ReadKeyFile(parse.GetValue(file)!)), "file", "key");
                var query = new List<KeyValuePair<string, string>> { new("arg", parse.GetValue(name)!), new("format", parse.GetValue(format)!), Base(parse) };
                var answer = await daemon.PostJsonAsync("key/import", query, ct, body);
                PrintKey(parse, answer.GetProperty("Name").GetString()!, answer.GetProperty("Id").GetString()!);
                return ExitCodes.Ok;
            });
        return command;
    }

    private static Task<int> Offline(ParseResult parse, Action<KeyStore> action)
    {
        using var node = NodeAccess.Open(parse);
        action(KeyStore.Open(node.Repo));
        return Task.FromResult(ExitCodes.Ok);
    }

    private static byte[] ReadKeyFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > Libp2pKey.MaxEncodedLength)
                throw new CliException($"key file {path} is larger than {Libp2pKey.MaxEncodedLength} bytes: not a key", ExitCodes.Usage);
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read key file {path}: {e.Message}", ExitCodes.Usage);
        }
    }

    private static KeyValuePair<string, string> Base(ParseResult parse) => new("ipns-base", parse.GetValue(IpnsBase)!);

    private static List<(string Name, string Id)> Entries(ParseResult parse, IReadOnlyList<KeyInfo> keys) =>
        keys.Select(k => (k.Name, KeyFormats.FormatId(k.IpnsName, parse.GetValue(IpnsBase)))).ToList();

    private static List<(string Name, string Id)> Entries(JsonElement answer) =>
        answer.GetProperty("Keys").EnumerateArray().Select(k => (k.GetProperty("Name").GetString()!, k.GetProperty("Id").GetString()!)).ToList();

    private static void PrintKey(ParseResult parse, KeyInfo info) =>
        PrintKey(parse, info.Name, KeyFormats.FormatId(info.IpnsName, parse.GetValue(IpnsBase)));

    /// <summary>kubo prints the new key's id alone; `--enc json` gives {"Name","Id"}.</summary>
    private static void PrintKey(ParseResult parse, string name, string id) => Output.For(parse).Write(id, new { Name = name, Id = id });

    /// <summary>
    /// kubo's list text: one name per line, or with -l "ID NAME" through Go's tabwriter (minwidth 1, padding 1), whose
    /// tab-terminated cells are padded to their column's width; `--enc json` gives {"Keys":[{"Name","Id"}]}.
    /// </summary>
    private static void PrintList(ParseResult parse, Option<bool> withIds, List<(string Name, string Id)> keys)
    {
        var output = Output.For(parse);
        if (output.Json)
        {
            output.Write("", new { Keys = keys.Select(k => new { k.Name, k.Id }).ToList() });
            return;
        }
        if (!parse.GetValue(withIds))
        {
            foreach (var key in keys)
                output.Line(key.Name);
            return;
        }
        var idWidth = keys.Count == 0 ? 0 : keys.Max(k => k.Id.Length) + 1;
        var nameWidth = keys.Count == 0 ? 0 : keys.Max(k => k.Name.Length) + 1;
        foreach (var key in keys)
            output.Line(key.Id.PadRight(idWidth) + key.Name.PadRight(nameWidth));
    }

    private static void PrintRename(ParseResult parse, string was, string now, string id, bool overwritten) =>
        Output.For(parse).Write(overwritten ? $"Key {id} renamed to {now} with overwriting" : $"Key {id} renamed to {now}",
            new { Was = was, Now = now, Id = id, Overwrite = overwritten });
}
