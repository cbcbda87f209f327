using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using P2P.Node.Content.Car;
using P2P.Node.Hosting.Http;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `dag/export` (the DAG as a CARv1 stream, fetched from the swarm as needed) and `dag/import` (CARs in the body,
/// every block verified, roots pinned), with kubo's output lines.
/// </summary>
public static class DagEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/dag/export", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var root = ApiCids.Parse(ApiJson.Arg(context.Request));
            await using var fetch = daemon.OpenFetch(root);
            // The root first, before the headers go out, so content nobody has is a 404 and not an empty CAR.
            await fetch.Blocks.GetBlockAsync(root, ct);
            context.Response.ContentType = "application/vnd.ipld.car";
            // Paced by the client and stopped when it leaves (ResponseBodyStream); the buffer only joins small prefixes.
            await using var buffered = new BufferedStream(
                new ResponseBodyStream(context.Response.BodyWriter, ct, ApiServer.ResponseBufferSize), Gateway.GatewayHandler.CarPrefixBuffer);
            try
            {
                await new CarExporter(fetch.Blocks).ExportAsync(root, buffered, ct);
            }
            catch (Exception e) when (e is BlockNotFoundException or CorruptBlockException or InvalidDataException)
            {
                // Headers and part of the CAR are out: only a cut connection tells the client it is incomplete.
                context.Abort();
            }
            return Results.Empty;
        }));
        api.MapPost("/dag/import", (HttpContext context, CancellationToken ct) => ApiJson.Guard(() => ImportAsync(context, daemon, ct)));
    }

    private static async Task<IResult> ImportAsync(HttpContext context, Daemon daemon, CancellationToken ct)
    {
        var request = context.Request;
        var pinRoots = ApiJson.Flag(request, "pin-roots", true);
        var stats = ApiJson.Flag(request, "stats", false);
        var local = daemon.Local;
        using var import = local.BeginDagImport();
        foreach (var body in await BodiesAsync(request, local.Repo, ct))
            await import.AddCarAsync(body, ct);
        if (pinRoots)
        {
            await foreach (var pin in import.PinRootsAsync(ct))
            {
                await ApiJson.WriteLineAsync(context.Response,
                    new { Root = new { Cid = new Dictionary<string, string> { ["/"] = pin.Root.ToString() }, PinErrorMsg = pin.Error ?? "" } }, ct);
            }
        }
        if (stats)
            await ApiJson.WriteLineAsync(context.Response, new { Stats = new { BlockCount = import.Blocks, BlockBytesCount = import.Bytes } }, ct);
        if (!context.Response.HasStarted)
            context.Response.ContentType = "application/x-ndjson";
        return Results.Empty;
    }

    /// <summary>The CAR streams of a request: each file part of a multipart body (kubo's CLI sends that), or the raw body.</summary>
    private static async Task<IReadOnlyList<Stream>> BodiesAsync(HttpRequest request, Repo repo, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return [request.Body];
        // Parts of a multipart body can only be read in order; each is copied to a temp file so the next can be reached.
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).Value!, request.Body);
        var bodies = new List<Stream>();
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            // In the repo's scratch/, not /tmp: if the daemon is killed, DeleteOnClose never runs and the next open sweeps it.
            var temp = new FileStream(repo.NewScratchPath("car"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            request.HttpContext.Response.RegisterForDisposeAsync(temp);
            await section.Body.CopyToAsync(temp, ct);
            temp.Position = 0;
            bodies.Add(temp);
        }
        return bodies.Count > 0 ? bodies : throw new ArgumentException("multipart body has no CAR file");
    }

}
