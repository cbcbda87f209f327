using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using P2P.Node.Content.Importing;
using P2P.Node.Content.UnixFs;
using P2P.Node.Errors;
using P2P.Node.Hosting.Http;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Api;

/// <summary>`add`, `cat` and `ls` (`files/stat`, which `get` uses to tell files from directories, is in <see cref="FilesEndpoints"/>).</summary>
public static class ContentEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/add", (HttpContext context, CancellationToken ct) => ApiJson.Guard(() => AddAsync(context, daemon, ct)));
        api.MapPost("/cat", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            // kubo's cat takes several paths and writes them one after the other; offset and length apply to the whole.
            // Each first block is resolved before the headers go out, so a missing file is a 404 and not a cut stream.
            await using var cat = await CatFiles.OpenAsync(daemon, ApiJson.Args(context.Request),
                ApiJson.Long(context.Request, "offset") ?? 0, ApiJson.Long(context.Request, "length"), ct);
            context.Response.ContentType = "application/octet-stream";
            StreamError.Declare(context.Response);
            // What this answer will carry, so the CLI can draw a progress bar with an ETA.
            context.Response.Headers["X-Content-Length"] = cat.Length.ToString(CultureInfo.InvariantCulture);
            // Paced by what the client reads, and stopped at the next write once it has gone (ResponseBodyStream).
            await cat.WriteAsync(new ResponseBodyStream(context.Response.BodyWriter, ct, ApiServer.ResponseBufferSize), ct);
            return Results.Empty;
        }));
        api.MapPost("/ls", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var path = ApiJson.Arg(request);
            await using var fetch = daemon.OpenFetch(RootOf(path));
            var cid = await fetch.Exporter.ResolveAsync(path, ct);
            var info = await fetch.Exporter.StatAsync(cid, ct);
            if (info.Type != UnixFsType.Directory)
                throw new P2PException(ErrorKind.BadInput, $"{cid} is not a directory");
            var links = (await fetch.Exporter.ListAsync(cid, resolveChildren: true, ct)).Select(e => new
            {
                e.Name,
                Hash = e.Cid.ToString(),
                Size = e.Size ?? 0,
                Type = e.Type == UnixFsType.Directory ? 1 : 2,
            }).ToArray();
            return ApiJson.Ok(new { Objects = new[] { new { Hash = cid.ToString(), Links = links } } });
        }));
    }

    /// <summary>The CID a path starts from (<c>cid</c>, <c>cid/a/b</c> or <c>/ipfs/cid/a/b</c>): the fetch session's root.</summary>
    internal static Cid RootOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = segments.Length > 0 && segments[0] == "ipfs" ? segments.Skip(1).FirstOrDefault() : segments.FirstOrDefault();
        if (first is null)
            throw new FormatException($"'{path}' names no CID");
        return Cid.TryParse(first, out var cid, out var error) ? cid! : throw new FormatException($"invalid CID '{first}': {error}");
    }

    /// <summary>
    /// kubo's add: a multipart body whose parts are files (filename = URL-escaped relative path), directories
    /// (Content-Type application/x-directory) and symlinks (application/symlink), or a raw body holding one file. A raw
    /// body streams straight into the importer, and so does each file part of a multipart body as it arrives
    /// (<see cref="MultipartUpload"/>): nothing is saved to a scratch file first. The directories are built and the
    /// roots pinned once the last part is in, so the results come out as an offline add of the same tree prints them.
    /// </summary>
    private static async Task<IResult> AddAsync(HttpContext context, Daemon daemon, CancellationToken ct)
    {
        var request = context.Request;
        var options = ImportOptionsFrom(request);
        var pin = ApiJson.Flag(request, "pin", true);
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        // kubo's progress=true: {"Name","Bytes"} events stream before the results.
        await using var progress = ApiJson.Flag(request, "progress", false) ? new ProgressLines(context.Response, daemon.Time, ct) : null;
        if (boundary is null)
        {
            var name = request.Query["name"].FirstOrDefault();
            var storedOne = new StoredBlocks();
            var result = await daemon.Local.AddStreamAsync(request.Body, options, pin, storedOne, progress?.Bytes(name ?? ""), ct);
            await daemon.AnnounceAddedAsync(result.Root, storedOne, ct);
            await WriteAsync(context.Response, progress, Line(name ?? result.Root.ToString(), result.Root, result.FileSize), ct);
            return Results.Empty;
        }
        // kubo's -w: one directory wrapping every input, the one root pinned and announced.
        var wrap = ApiJson.Flag(request, "wrap-with-directory", false) || ApiJson.Flag(request, "w", false);
        // The blocks to announce as the importer stored them: reading the DAG back would read and hash every leaf again.
        var stored = new StoredBlocks();
        var units = await daemon.Local.AddUploadAsync(
            upload => MultipartUpload.ImportAsync(new MultipartPipeReader(request.BodyReader, boundary), upload, ct),
            options, wrap, pin, stored, name => progress?.Bytes(name ?? ""), ct);
        foreach (var entries in units)
        {
            await daemon.AnnounceAddedAsync(entries[^1].Cid, stored, ct);
            foreach (var entry in entries)
                await WriteAsync(context.Response, progress, Line(entry.Path, entry.Cid, entry.Size), ct);
        }
        return Results.Empty;
    }

    /// <summary>A result line; with progress on it goes through the progress stream, after the last pending count.</summary>
    private static Task WriteAsync(HttpResponse response, ProgressLines? progress, object line, CancellationToken ct) =>
        progress is null ? ApiJson.WriteLineAsync(response, line, ct) : progress.WriteAsync(line);

    private static object Line(string name, Cid cid, long size) =>
        new { Name = name, Hash = cid.ToString(), Size = size.ToString(CultureInfo.InvariantCulture) };

    /// <summary>kubo's add flags from the query; <see cref="ImportOptionsBuilder"/> applies them as the CLI does.</summary>
    private static ImportOptions ImportOptionsFrom(HttpRequest request)
    {
        var query = request.Query;
        return ImportOptionsBuilder.Build(new KuboAddFlags
        {
            Profile = query["profile"].FirstOrDefault() is { Length: > 0 } profile ? profile : null,
            CidVersion = ApiJson.Long(request, "cid-version") is { } version ? (int)Math.Clamp(version, int.MinValue, int.MaxValue) : null,
            RawLeaves = query["raw-leaves"].FirstOrDefault() is { Length: > 0 } ? ApiJson.Flag(request, "raw-leaves", false) : null,
            Chunker = query["chunker"].FirstOrDefault() is { Length: > 0 } chunker ? chunker : null,
            MaxLinks = ApiJson.Long(request, "max-links") is { } links ? (int)Math.Clamp(links, int.MinValue, int.MaxValue) : null,
            Hash = query["hash"].FirstOrDefault() is { Length: > 0 } hash ? hash : "sha2-256",
            Hidden = ApiJson.Flag(request, "hidden", false),
        });
    }
}
