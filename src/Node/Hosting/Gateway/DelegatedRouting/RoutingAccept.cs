using Microsoft.Net.Http.Headers;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>Reads <see cref="RoutingMediaType"/> from Accept headers.</summary>
public static class RoutingAccept
{
    public const string Json = "application/json";
    public const string NdJson = "application/x-ndjson";

    /// <summary>The body to send for <paramref name="accept"/> (every Accept header's value).</summary>
    public static RoutingMediaType Choose(IReadOnlyList<string?> accept)
    {
        if (accept.Count == 0)
            return RoutingMediaType.Json;
        bool json = false, ndjson = false;
        foreach (var header in accept)
        {
            if (!MediaTypeHeaderValue.TryParseList(header is null ? [] : [header], out var types))
                return RoutingMediaType.Unsupported;
            foreach (var type in types)
            {
                var name = type.MediaType.Value;
                if (string.Equals(name, NdJson, StringComparison.OrdinalIgnoreCase))
                    ndjson = true;
                else if (string.Equals(name, Json, StringComparison.OrdinalIgnoreCase) || name == "*/*")
                    json = true;
            }
        }
        return ndjson ? RoutingMediaType.NdJson : json ? RoutingMediaType.Json : RoutingMediaType.Unsupported;
    }
}
