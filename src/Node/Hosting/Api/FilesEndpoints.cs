using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using P2P.Node.Mfs;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `files/*`: kubo's MFS commands with its parameter names (core/commands/files.go) and JSON (<c>{"Entries":[…]}</c>,
/// statOutput, <c>{"Cid"}</c>); commands without output answer 200 with an empty body, as kubo does. The daemon's one
/// <see cref="MutableFiles"/> serialises the changes.
/// </summary>
public static class FilesEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var files = daemon.Local.Files;
        api.MapPost("/files/mkdir", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            await files.MkdirAsync(ApiJson.Arg(request), Flag(request, "parents", "p"), Prefix(request), ct);
            return Results.Ok();
        }));
        api.MapPost("/files/write", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var path = ApiJson.Arg(request);
            var options = new MfsWriteOptions
            {
                Create = Flag(request, "create", "e"),
                Parents = Flag(request, "parents", "p"),
                Truncate = Flag(request, "truncate", "t"),
                Offset = ApiJson.Long(request, "offset") ?? ApiJson.Long(request, "o") ?? 0,
                Count = ApiJson.Long(request, "count") ?? ApiJson.Long(request, "n"),
                RawLeaves = request.Query.ContainsKey("raw-leaves") ? ApiJson.Flag(request, "raw-leaves", false) : null,
                Prefix = Prefix(request),
            };
            await files.WriteAsync(path, await DataAsync(request, ct), options, ct);
            return Results.Ok();
        }));
        api.MapPost("/files/read", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var request = context.Request;
            var range = await files.OpenReadAsync(ApiJson.Arg(request),
                ApiJson.Long(request, "offset") ?? ApiJson.Long(request, "o") ?? 0,
                ApiJson.Long(request, "count") ?? ApiJson.Long(request, "n"), ct);
            StreamError.Declare(context.Response);
            context.Response.ContentType = "text/plain";
            context.Response.Headers["X-Stream-Output"] = "1";
            // Through the daemon's fetch: a DAG linked by `files cp /ipfs/...` may be only partly here.
            await using var fetch = daemon.OpenFetch(range.File);
            await foreach (var piece in fetch.Exporter.ReadFileAsync(range.File, range.Offset, range.Count, ct))
                await context.Response.Body.WriteAsync(piece, ct);
            return Results.Empty;
        }));
        api.MapPost("/files/ls", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var path = request.Query["arg"].FirstOrDefault() is { Length: > 0 } arg ? arg : "/";
            var entries = await files.ListAsync(path, Flag(request, "long", "l"), ct);
            return ApiJson.Ok(new { Entries = entries.Select(e => new { e.Name, e.Type, e.Size, e.Hash }) });
        }));
        api.MapPost("/files/stat", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            MfsStatFormat.Choose(request.Query["format"].FirstOrDefault(), Flag(request, "hash", null), Flag(request, "size", null));
            var path = ApiJson.Arg(request);
            if (path.StartsWith('/') && !MfsPath.IsContentPath(path))
                return ApiJson.Ok(MfsStatFormat.Json(await files.StatAsync(path, ct)));
            return ApiJson.Ok(await ContentStatAsync(daemon, MfsPath.CanonicalContentPath(path), ct));
        }));
        api.MapPost("/files/rm", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            if (request.Query.ContainsKey("flush") && !ApiJson.Flag(request, "flush", true))
                throw new ArgumentException("files rm always flushes for safety. The --flush flag cannot be set to false for this command");
            await files.RemoveAsync(ApiJson.Args(request), Flag(request, "recursive", "r"), Flag(request, "force", null), ct);
            return Results.Ok();
        }));
        api.MapPost("/files/cp", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var (source, destination) = Two(request);
            await files.CopyAsync(source, destination, Flag(request, "parents", "p"), Flag(request, "force", null), daemon.Exchange, ct);
            return Results.Ok();
        }));
        api.MapPost("/files/mv", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var (source, destination) = Two(request);
            await files.MoveAsync(source, destination, ct);
            return Results.Ok();
        }));
        api.MapPost("/files/flush", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var path = request.Query["arg"].FirstOrDefault() is { Length: > 0 } arg ? arg : "/";
            return ApiJson.Ok(new { Cid = (await files.FlushAsync(path, ct)).ToString() });
        }));
        api.MapPost("/files/chcid", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            await files.ChangeCidAsync(ApiJson.Arg(request), Prefix(request), ct);
            return Results.Ok();
        }));
    }

    /// <summary>
    /// A content path (CID[/path], /ipfs/CID[/path]) fetched through the daemon's exchange. A symlink's Type stays
    /// "symlink" here (kubo says "file"): `p2p get` through a daemon reads it to recreate the link.
    /// </summary>
    private static async Task<Dictionary<string, object>> ContentStatAsync(Daemon daemon, string path, CancellationToken ct)
    {
        await using var fetch = daemon.OpenFetch(ApiCids.RootOf(path));
        var cid = await fetch.Exporter.ResolveAsync(path, ct);
        var node = await fetch.Exporter.FetchAsync(cid, ct);
        var json = MfsStatFormat.Json(MfsStats.Of(node));
        if (node.UnixFs.Type == Content.UnixFs.UnixFsType.Symlink)
        {
            json["Type"] = "symlink";
            json["Size"] = node.Size;
        }
        return json;
    }

    private static bool Flag(HttpRequest request, string name, string? shortName) =>
        ApiJson.Flag(request, name, shortName is not null && ApiJson.Flag(request, shortName, false));

    /// <summary>kubo's --cid-version (alias cid-ver) and --hash.</summary>
    private static MfsPrefix? Prefix(HttpRequest request)
    {
        var version = ApiJson.Long(request, "cid-version") ?? ApiJson.Long(request, "cid-ver");
        return MfsPrefix.FromOptions(version is { } v ? (int)Math.Clamp(v, -1, 2) : null, request.Query["hash"].FirstOrDefault());
    }

    private static (string Source, string Destination) Two(HttpRequest request)
    {
        var args = ApiJson.Args(request);
        return args.Count == 2 ? (args[0], args[1]) : throw new ArgumentException("two arguments are required: source and destination");
    }

    /// <summary>
    /// The data of `files write`: the first part of a multipart body (kubo-rpc-client's "file" part, whatever its
    /// disposition) or a raw body, streamed.
    /// </summary>
    private static async Task<Stream> DataAsync(HttpRequest request, CancellationToken ct)
    {
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).Value!, request.Body);
            return (await reader.ReadNextSectionAsync(ct))?.Body ?? throw new ArgumentException("argument \"data\" is required");
        }
        return request.Body;
    }
}
