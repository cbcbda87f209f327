using System.Text.Json;

namespace P2P.Cli.Infrastructure;

/// <summary>Fields of a daemon's answer that an older daemon may not send, read as absent rather than as an error.</summary>
internal static class DaemonJson
{
    /// <summary>A string array field, or empty when the daemon does not send it.</summary>
    public static List<string> Strings(JsonElement answer, string name) =>
        answer.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

    /// <summary>A string field, or null when the daemon does not send it or sends null.</summary>
    public static string? String(JsonElement answer, string name) =>
        answer.TryGetProperty(name, out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
}
