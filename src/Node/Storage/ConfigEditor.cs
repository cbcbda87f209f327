using System.Text.Json;
using System.Text.Json.Nodes;
using P2P.Node.Errors;

namespace P2P.Node.Storage;

/// <summary>
/// kubo's `config KEY [VALUE]` over p2p's config.json: a key is a dotted path matched without regard to case, so kubo's
/// PascalCase (<c>Bootstrap</c>, <c>Limits.MaxPeers</c>) and p2p's camelCase both work, and a few kubo names map to
/// p2p's own (<c>Addresses.API</c> is <c>api</c>). A key that config.json does not have is refused (kubo would add it;
/// p2p would ignore it, which hides a typo); a value is checked by the config's own validation before the file is
/// replaced atomically through <see cref="Repo.SaveConfig"/>.
/// </summary>
public static class ConfigEditor
{
    /// <summary>kubo's key names whose p2p key is spelled differently.</summary>
    private static readonly Dictionary<string, string> KuboAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Addresses.API"] = "api",
        ["Addresses.Gateway"] = "gateway",
        ["Addresses.Swarm"] = "listen",
        ["Reprovider.Interval"] = "reprovideInterval",
        ["Discovery.MDNS.Enabled"] = "discovery.mdns",
        ["Identity.PeerID"] = "identity.peerId",
        ["Datastore.HashOnRead"] = "hashOnRead",
    };

    /// <summary>The whole config as config.json holds it (kubo's `config show`).</summary>
    public static JsonObject Show(Repo repo) => (JsonObject)JsonNode.Parse(repo.Config.ToJson())!;

    /// <summary>The value at <paramref name="key"/>, and the key as config.json spells it.</summary>
    public static (string Key, JsonNode? Value) Get(Repo repo, string key)
    {
        var (parent, name) = Locate(Show(repo), key);
        return (key, parent[name]?.DeepClone());
    }

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="value"/> read as JSON when <paramref name="json"/>, as true/false
    /// when <paramref name="boolean"/>, else as a string, except that a key holding a number, a boolean or a list takes
    /// the text as JSON when it parses (`config limits.maxPeers 50`). Returns the stored value.
    /// </summary>
    public static (string Key, JsonNode? Value) Set(Repo repo, string key, string value, bool json, bool boolean)
    {
        var tree = Show(repo);
        var (parent, name) = Locate(tree, key);
        var current = parent[name];
        JsonNode? parsed;
        if (boolean)
            parsed = value switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                _ => throw new P2PException(ErrorKind.BadInput, $"'{value}' is not a boolean: give true or false"),
            };
        else if (json)
            parsed = ParseJson(value) ?? throw new P2PException(ErrorKind.BadInput, $"'{value}' is not valid JSON");
        else if (current is not null && current.GetValueKind() is not JsonValueKind.String && ParseJson(value) is { } typed)
            parsed = typed;
        else
            parsed = JsonValue.Create(value);
        if (current is not null && Kind(current) is { } want && Kind(parsed) != want)
            throw new RepoException(RepoErrorReason.InvalidConfig, $"{key} takes {want}: '{value}' is not one");
        parent[name] = parsed;
        var config = RepoConfig.FromJson(tree.ToJsonString(), $"config value for {key}");
        repo.SaveConfig(config);
        // kubo echoes the key as it was asked.
        return (key, parsed?.DeepClone());
    }

    /// <summary>The object holding the key's last segment, and that segment as the file spells it.</summary>
    private static (JsonObject Parent, string Name) Locate(JsonObject tree, string key)
    {
        var path = KuboAliases.TryGetValue(key, out var alias) ? alias : key;
        var segments = path.Split('.');
        if (path.Length == 0 || segments.Any(s => s.Length == 0))
            throw new P2PException(ErrorKind.BadInput, $"config key '{key}' is not a dotted name such as limits.maxPeers");
        var node = tree;
        for (var i = 0; i < segments.Length; i++)
        {
            var match = node.FirstOrDefault(p => string.Equals(p.Key, segments[i], StringComparison.OrdinalIgnoreCase));
            if (match.Key is null)
                throw new P2PException(ErrorKind.BadInput, $"config key '{key}' is unknown (`p2p config show` lists the keys)");
            if (i == segments.Length - 1)
                return (node, match.Key);
            node = match.Value as JsonObject
                ?? throw new P2PException(ErrorKind.BadInput, $"config key '{key}' is unknown: {match.Key} is not an object");
        }
        throw new P2PException(ErrorKind.BadInput, $"config key '{key}' is unknown");
    }

    /// <summary>What a key holds, in a user's words; null for a null value (anything may replace it).</summary>
    private static string? Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => null,
    };

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
