using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Naming;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's `name/publish` and `name/resolve`: publish answers <c>{"Name","Value"}</c>, resolve <c>{"Path"}</c>, with
/// kubo's parameters (key, lifetime, ttl; recursive, nocache). Durations are Go's (48h, 5m).
/// </summary>
public static class NameEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/name/publish", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var request = context.Request;
            var value = ApiJson.Arg(request);
            var key = request.Query["key"].FirstOrDefault() is { Length: > 0 } k ? k : KeyStore.SelfName;
            if (!Duration(request, "lifetime", NameSystem.DefaultLifetime, out var lifetime) || lifetime <= TimeSpan.Zero)
                return ApiError.BadRequest($"invalid lifetime '{request.Query["lifetime"]}': a positive duration such as 48h");
            if (!Duration(request, "ttl", IpnsRecord.DefaultTtl, out var ttl) || ttl < TimeSpan.Zero)
                return ApiError.BadRequest($"invalid ttl '{request.Query["ttl"]}': a duration such as 5m");
            var path = await NamePaths.ResolveAsync(daemon.Local.Files, value, ct);
            var published = await daemon.Names.PublishAsync(key, path, lifetime, ttl, ct);
            return ApiJson.Ok(new { Name = published.Name.ToString(), Value = published.Value });
        }));
        api.MapPost("/name/resolve", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var request = context.Request;
            var name = request.Query["arg"].FirstOrDefault() is { Length: > 0 } given ? given : IpnsName.FromPeerId(daemon.Host.PeerId).ToString();
            var path = await daemon.Names.ResolveAsync(name, ApiJson.Flag(request, "recursive", true), ApiJson.Flag(request, "nocache", false), ct);
            return ApiJson.Ok(new { Path = path });
        }));
    }

    private static bool Duration(HttpRequest request, string name, TimeSpan fallback, out TimeSpan value)
    {
        if (request.Query[name].FirstOrDefault() is not { Length: > 0 } text)
        {
            value = fallback;
            return true;
        }
        return GoDuration.TryParse(text, out value);
    }
}
