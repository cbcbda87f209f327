using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Content.DagPb;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `dag/get` (a block as dag-json, kubo's default output codec) and `dag/stat` (kubo's DagStatSummary), reading
/// through the daemon's fetch so content the repo lacks comes from the swarm.
/// </summary>
public static class DagReadEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/dag/get", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var codec = request.Query["output-codec"].FirstOrDefault() ?? "dag-json";
            if (codec != "dag-json")
                throw new ArgumentException($"output-codec {codec} is not supported: p2p writes dag-json");
            var path = ApiJson.Arg(request);
            await using var fetch = daemon.OpenFetch(ApiCids.RootOf(path));
            var cid = await fetch.Exporter.ResolveAsync(path, ct);
            var block = await fetch.Blocks.GetBlockAsync(cid, ct);
            return Results.Bytes(DagJson.Encode(cid, block), "application/json");
        }));
        api.MapPost("/dag/stat", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var roots = new List<Multiformats.Cid>();
            foreach (var path in ApiJson.Args(request))
            {
                await using var fetch = daemon.OpenFetch(ApiCids.RootOf(path));
                roots.Add(await fetch.Exporter.ResolveAsync(path, ct));
            }
            await using var session = daemon.OpenFetch(roots[0]);
            var stats = await DagStats.ComputeAsync(roots, session.Blocks, ct);
            return ApiJson.Ok(stats.KuboSummary());
        }));
    }
}
