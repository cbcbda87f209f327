using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `config`, `config/show` and `bootstrap/*` with kubo's arguments (<c>arg=KEY[&amp;arg=VALUE]</c>, <c>json</c>,
/// <c>bool</c>) and answers (<c>{"Key","Value"}</c>, <c>{"Peers"}</c>). The daemon holds the repo, so it writes
/// config.json for the CLI; changes take effect at the next start, as in kubo.
/// </summary>
public static class ConfigEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var repo = daemon.Local.Repo;
        api.MapPost("/config", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var args = request.Query["arg"].Select(a => a ?? "").ToList();
            if (args.Count == 0 || args[0].Length == 0)
                throw new ArgumentException("argument \"key\" is required");
            if (args.Count > 2)
                throw new ArgumentException("config takes a key and at most one value");
            var (key, value) = args.Count == 1
                ? ConfigEditor.Get(repo, args[0])
                : ConfigEditor.Set(repo, args[0], args[1], ApiJson.Flag(request, "json", false), ApiJson.Flag(request, "bool", false));
            return Task.FromResult(ApiJson.Ok(new { Key = key, Value = value }));
        }));
        api.MapPost("/config/show", () => ApiJson.Ok(ConfigEditor.Show(repo)));
        api.MapPost("/bootstrap", () => ApiJson.Ok(new { Peers = BootstrapEditor.List(repo) }));
        api.MapPost("/bootstrap/list", () => ApiJson.Ok(new { Peers = BootstrapEditor.List(repo) }));
        api.MapPost("/bootstrap/add", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var args = request.Query["arg"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList();
            if (args.Count == 0)
                throw new ArgumentException("no bootstrap peers to add");
            return Task.FromResult(ApiJson.Ok(new { Peers = BootstrapEditor.Add(repo, args) }));
        }));
        api.MapPost("/bootstrap/rm", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var args = request.Query["arg"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList();
            return Task.FromResult(ApiJson.Ok(new { Peers = BootstrapEditor.Remove(repo, args, ApiJson.Flag(request, "all", false)) }));
        }));
        api.MapPost("/bootstrap/rm/all", () => ApiJson.Ok(new { Peers = BootstrapEditor.Remove(repo, [], all: true) }));
    }
}
