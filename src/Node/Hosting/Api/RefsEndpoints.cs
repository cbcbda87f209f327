using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `refs`, `refs/local` and `block/rm`, streamed as kubo streams them: one JSON object per line,
/// <c>{"Ref","Err"}</c> and <c>{"Hash","Error"}</c>. A failure before the first line is an ordinary error answer; after
/// it, an <c>Err</c> line with p2p's <c>Kind</c>, so the CLI exits as it would offline.
/// </summary>
public static class RefsEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/refs", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var request = context.Request;
            var walk = new RefsWalk(ApiJson.Flag(request, "recursive", false), ApiJson.Flag(request, "unique", false),
                (int)(ApiJson.Long(request, "max-depth") ?? -1), request.Query["format"].FirstOrDefault(), ApiJson.Flag(request, "edges", false));
            foreach (var path in ApiJson.Args(request))
            {
                try
                {
                    await using var fetch = daemon.OpenFetch(ApiCids.RootOf(path));
                    var root = await fetch.Exporter.ResolveAsync(path, ct);
                    await foreach (var line in walk.WalkAsync(root, fetch.Blocks, ct))
                        await ApiJson.WriteLineAsync(context.Response, new { Ref = line, Err = "" }, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException && context.Response.HasStarted)
                {
                    var error = ErrorClassifier.Classify(e);
                    await ApiJson.WriteLineAsync(context.Response, new { Ref = "", Err = error.Sentence, Kind = error.Kind.ToString() }, ct);
                    return Results.Empty;
                }
            }
            return EndStream(context);
        }));
        api.MapPost("/refs/local", async (HttpContext context, CancellationToken ct) =>
        {
            foreach (var cid in RefsWalk.Local(daemon.Local.Blocks))
                await ApiJson.WriteLineAsync(context.Response, new { Ref = cid, Err = "" }, ct);
            EndStream(context);
        });
        api.MapPost("/block/rm", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var cids = ApiJson.Args(context.Request).Select(ApiCids.Parse).ToList();
            var quiet = ApiJson.Flag(context.Request, "quiet", false);
            foreach (var result in BlockRemoval.Remove(daemon.Local.Repo, cids, ApiJson.Flag(context.Request, "force", false), ct))
            {
                if (result.Error is null && quiet)
                    continue;
                await ApiJson.WriteLineAsync(context.Response, result.Error is null
                    ? new { Hash = result.Cid.ToString() }
                    : new { Hash = result.Cid.ToString(), Error = result.Error }, ct);
            }
            return EndStream(context);
        }));
    }

    /// <summary>An answer with no lines is still an empty newline-delimited stream, not a JSON document.</summary>
    private static IResult EndStream(HttpContext context)
    {
        if (!context.Response.HasStarted)
            context.Response.ContentType = "application/x-ndjson";
        return Results.Empty;
    }
}
