using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using P2P.Cli.Infrastructure;
using P2P.Node.Storage;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p config KEY [VALUE]` and `p2p config show`: kubo's config command over config.json (<see cref="ConfigEditor"/>).
/// Offline it opens the repo (taking its lock); with a daemon running the daemon reads and writes the file.
/// </summary>
internal sealed class ConfigCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Argument<string?> _key = new("key") { Description = "Dotted key, as config.json or kubo spells it (listen, Limits.MaxPeers, Addresses.API)", Arity = ArgumentArity.ZeroOrOne };
    private readonly Argument<string?> _value = new("value") { Description = "Value to set", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<bool> _json = new("--json") { Description = "Read the value as JSON" };
    private readonly Option<bool> _bool = new("--bool") { Description = "Read the value as a boolean" };

    public static Command Create()
    {
        var config = new ConfigCommand();
        var command = new Command("config", "Get or set a config value (kubo's `ipfs config`). Changes apply at the daemon's next start.\n\nExamples:\n  p2p config Addresses.API\n  p2p config limits.maxPeers 50\n  p2p config discovery.mdns false --bool\n  p2p config show")
        {
            config._key, config._value, config._json, config._bool,
        };
        DaemonRoute.SetAction(command, config.OfflineAsync, config.RemoteAsync);
        var show = new Command("show", "Print the whole config.\n\nExample:\n  p2p config show");
        DaemonRoute.SetAction(show, ShowOfflineAsync, ShowRemoteAsync);
        command.Subcommands.Add(show);
        return command;
    }

    private (string Key, string? Value) Read(ParseResult parse)
    {
        var key = parse.GetValue(_key);
        if (string.IsNullOrEmpty(key))
            throw new CliException("argument \"key\" is required (or `p2p config show`)", ExitCodes.Usage);
        if (parse.GetValue(_json) && parse.GetValue(_bool))
            throw new CliException("--json and --bool cannot be used together", ExitCodes.Usage);
        return (key, parse.GetValue(_value));
    }

    private Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var (key, value) = Read(parse);
        using var node = NodeAccess.Open(parse);
        if (value is null)
        {
            var (k, v) = ConfigEditor.Get(node.Repo, key);
            Print(parse, k, v);
        }
        else
        {
            var (k, v) = ConfigEditor.Set(node.Repo, key, value, parse.GetValue(_json), parse.GetValue(_bool));
            PrintSet(parse, k, v);
        }
        return Task.FromResult(ExitCodes.Ok);
    }

    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var (key, value) = Read(parse);
        var query = new List<KeyValuePair<string, string>> { new("arg", key) };
        if (value is not null)
        {
            query.Add(new("arg", value));
            if (parse.GetValue(_json))
                query.Add(new("json", "true"));
            if (parse.GetValue(_bool))
                query.Add(new("bool", "true"));
        }
        var answer = await daemon.PostJsonAsync("config", query, ct);
        var k = answer.GetProperty("Key").GetString()!;
        var v = JsonNode.Parse(answer.GetProperty("Value").GetRawText());
        if (value is null)
            Print(parse, k, v);
        else
            PrintSet(parse, k, v);
        return ExitCodes.Ok;
    }

    /// <summary>kubo prints a string as it is and anything else as indented JSON.</summary>
    private static void Print(ParseResult parse, string key, JsonNode? value)
    {
        var output = Output.For(parse);
        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Human(value);
        output.Write(text, new { Key = key, Value = value });
    }

    /// <summary>kubo prints nothing for a value it set, except with --enc json.</summary>
    private static void PrintSet(ParseResult parse, string key, JsonNode? value)
    {
        var output = Output.For(parse);
        if (output.Json)
            output.Write("", new { Key = key, Value = value });
    }

    private static string Human(JsonNode? value) => value is null ? "null" : value.ToJsonString(Indented);

    private static Task<int> ShowOfflineAsync(ParseResult parse, CancellationToken ct)
    {
        using var node = NodeAccess.Open(parse);
        PrintShow(parse, ConfigEditor.Show(node.Repo));
        return Task.FromResult(ExitCodes.Ok);
    }

    private static async Task<int> ShowRemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("config/show", null, ct);
        PrintShow(parse, JsonNode.Parse(answer.GetRawText()));
        return ExitCodes.Ok;
    }

    private static void PrintShow(ParseResult parse, JsonNode? config) => Output.For(parse).Write(Human(config), config!);
}
