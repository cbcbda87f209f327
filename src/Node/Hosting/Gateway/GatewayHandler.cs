using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using P2P.Node.Content.Car;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.UnixFs;
using P2P.Node.Errors;
using P2P.Node.Hosting.Http;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// Answers <c>GET</c>/<c>HEAD /ipfs/{cid}[/path]</c> as a path gateway (specs.ipfs.tech/http-gateways/path-gateway):
/// files streamed from the swarm as they arrive (a <see cref="SwarmFetch"/> with read-ahead, so memory stays
/// bounded), single Range requests answered by seeking in the DAG, directories as their index.html or an HTML
/// listing, and the trustless responses <c>?format=raw</c> (the one block) and <c>?format=car</c> (the DAG as a
/// CARv1). Content is immutable, so every answer carries an ETag naming the CID and a year-long immutable
/// Cache-Control, and If-None-Match answers 304 without fetching anything beyond the resolution.
/// Bodies go out through <see cref="ResponseBodyStream"/>: a client that stops reading stalls the exporter, whose
/// read-ahead is paced by what was written, and a client that leaves stops the reading at the next write.
/// </summary>
internal sealed class GatewayHandler(Daemon daemon, TimeSpan resolveTimeout, ILogger logger)
{
    public const string ImmutableCache = "public, max-age=29030400, immutable";
    public const string RawType = "application/vnd.ipld.raw";
    public const string CarType = "application/vnd.ipld.car";

    /// <summary>Bytes a CAR response gathers before writing: many small prefixes, never a whole block.</summary>
    internal const int CarPrefixBuffer = 16 * 1024;

    /// <summary>The media type of a signed IPNS record (IPNS spec; the gateway's ?format=ipns-record).</summary>
    public const string IpnsRecordType = "application/vnd.ipfs.ipns-record";

    /// <summary>Set on a request under /ipns/: the Cache-Control the answer carries instead of the immutable one.</summary>
    private const string MutableCacheKey = "p2p.gateway.cache";

    public Task HandleAsync(HttpContext context)
    {
        daemon.Host.Metrics.CountGatewayRequest();
        return ServeAsync(context, context.Request.RouteValues["path"] as string ?? "");
    }

    /// <summary>
    /// <c>GET</c>/<c>HEAD /ipns/{name}[/path]</c>: the name's newest record is resolved (cached for its TTL) and the
    /// path it points at served as under /ipfs/, with X-Ipfs-Path naming the /ipns/ path and a Cache-Control of the
    /// record's TTL instead of "immutable". With <c>?format=ipns-record</c> or that Accept type, the signed record
    /// itself (IPNS spec, "Record Serialization Format"), for clients that verify it themselves.
    /// </summary>
    public async Task HandleIpnsAsync(HttpContext context)
    {
        daemon.Host.Metrics.CountGatewayRequest();
        var ct = context.RequestAborted;
        var path = context.Request.RouteValues["path"] as string ?? "";
        var slash = path.IndexOf('/');
        var head = slash < 0 ? path : path[..slash];
        if (!Naming.IpnsName.TryParse(head, out var name, out var nameError))
        {
            await ErrorAsync(context, new UserError(ErrorKind.BadInput, $"invalid path \"/ipns/{path}\": {nameError}"), null);
            return;
        }
        Naming.IpnsRecord record;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(resolveTimeout);
            try
            {
                record = await daemon.Names.ResolveRecordAsync(name, noCache: false, wait.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var error = e is OperationCanceledException
                    ? new UserError(ErrorKind.NotFound, $"no record found within {resolveTimeout.TotalSeconds:0.#} s")
                    : ErrorClassifier.Classify(e);
                await ErrorAsync(context, error with { Sentence = $"/ipns/{path}: {error.Sentence}" }, e);
                return;
            }
        }
        var ttl = (long)Math.Max(0, record.Ttl.TotalSeconds);
        if (WantsRecord(context.Request))
        {
            var response = context.Response;
            response.ContentType = IpnsRecordType;
            response.Headers.CacheControl = $"public, max-age={ttl}";
            response.Headers["X-Ipfs-Path"] = "/ipns/" + head;
            response.Headers.Vary = "Accept";
            response.ContentLength = record.Bytes.Length;
            if (!HttpMethods.IsHead(context.Request.Method))
                await response.Body.WriteAsync(record.Bytes, ct);
            return;
        }
        var target = record.Value.TrimEnd('/') + (slash < 0 ? "" : path[slash..]);
        if (!target.StartsWith("/ipfs/", StringComparison.Ordinal))
        {
            // A name pointing at a name: resolve the rest of the chain (bounded by the name system's depth).
            try
            {
                target = await daemon.Names.ResolveAsync(target, recursive: true, noCache: false, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var error = ErrorClassifier.Classify(e);
                await ErrorAsync(context, error with { Sentence = $"/ipns/{path}: {error.Sentence}" }, e);
                return;
            }
        }
        context.Items[MutableCacheKey] = $"public, max-age={ttl}";
        await ServeAsync(context, target["/ipfs/".Length..], "/ipns/" + path);
    }

    private static bool WantsRecord(HttpRequest request) =>
        request.Query["format"].FirstOrDefault() == "ipns-record"
        || request.Headers.Accept.ToString().Contains(IpnsRecordType, StringComparison.OrdinalIgnoreCase);

    private async Task ServeAsync(HttpContext context, string path, string? shownPath = null)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Cid? root = null;
        string? cidError = "no CID";
        if (segments.Length == 0 || !Cid.TryParse(segments[0], out root, out cidError))
        {
            await ErrorAsync(context, new UserError(ErrorKind.BadInput, $"invalid path \"/ipfs/{path}\": {cidError}"), null);
            return;
        }
        if (FormatOf(request) is not { } format)
        {
            await ErrorAsync(context, new UserError(ErrorKind.BadInput, "unsupported format: use raw or car"), null);
            return;
        }
        await using var fetch = daemon.OpenFetch(root!);
        Cid cid;
        UnixFsNodeInfo? info = null;
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(resolveTimeout);
            try
            {
                cid = await fetch.Exporter.ResolveAsync(string.Join('/', segments), wait.Token);
                if (format == ResponseFormat.UnixFs)
                    info = await fetch.Exporter.StatAsync(cid, wait.Token);
                else
                    await fetch.Blocks.GetBlockAsync(cid, wait.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var error = e switch
                {
                    OperationCanceledException => new UserError(ErrorKind.NotFound, $"no provider sent it within {resolveTimeout.TotalSeconds:0.#} s"),
                    // The root CID was checked above, so a malformed CID here came out of a block: bad data, not a bad request.
                    FormatException => new UserError(ErrorKind.Corrupt, e.Message),
                    _ => ErrorClassifier.Classify(e),
                };
                var prefix = error.Kind == ErrorKind.NotFound ? $"/ipfs/{path}: not found: " : $"/ipfs/{path}: ";
                await ErrorAsync(context, error with { Sentence = prefix + error.Sentence }, e);
                return;
            }
        }
        var response = context.Response;
        response.Headers["X-Ipfs-Path"] = shownPath ?? "/ipfs/" + path;
        response.Headers.Vary = "Accept";
        try
        {
            switch (format)
            {
                case ResponseFormat.Raw:
                    await RawAsync(context, fetch, cid, ct);
                    break;
                case ResponseFormat.Car:
                    await CarAsync(context, fetch, cid, ct);
                    break;
                default:
                    await UnixFsAsync(context, fetch, cid, info!, segments, ct);
                    break;
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (!response.HasStarted)
            {
                var error = ErrorClassifier.Classify(e);
                await ErrorAsync(context, error with { Sentence = $"/ipfs/{path}: {error.Sentence}" }, e);
                return;
            }
            // The status line is gone; cutting the connection is how the client learns. Logged once, here.
            logger.LogError(e, "Gateway answer for /ipfs/{Path} failed after it began", path);
            context.Abort();
        }
    }

    /// <summary>
    /// An error answer: the status from the error table, the sentence as plain text (a gateway answers browsers and
    /// curl, not kubo's RPC clients), and a 500 logged once with its stack.
    /// </summary>
    private Task ErrorAsync(HttpContext context, UserError error, Exception? cause)
    {
        if (error.IsServerFault)
            logger.LogError(cause, "Gateway request {Path} failed: {Sentence}", context.Request.Path.Value, error.Sentence);
        return TextAsync(context, error.Row.HttpStatus, error.Sentence);
    }

    private async Task UnixFsAsync(HttpContext context, SwarmFetch fetch, Cid cid, UnixFsNodeInfo info, string[] segments, CancellationToken ct)
    {
        var request = context.Request;
        var response = context.Response;
        var name = segments.Length > 1 ? segments[^1] : null;
        if (info.Type == UnixFsType.Directory)
        {
            if (!request.Path.Value!.EndsWith('/'))
            {
                // Relative links in the page (and in an index.html) resolve against the directory only with the slash.
                response.StatusCode = StatusCodes.Status301MovedPermanently;
                response.Headers.Location = request.PathBase + request.Path + "/" + request.QueryString;
                return;
            }
            var entries = await fetch.Exporter.ListAsync(cid, resolveChildren: false, ct);
            if (entries.FirstOrDefault(e => e.Name == "index.html") is { } index)
            {
                var indexInfo = await fetch.Exporter.StatAsync(index.Cid, ct);
                if (indexInfo.Type == UnixFsType.File)
                {
                    await FileAsync(context, fetch, index.Cid, indexInfo, "index.html", ct);
                    return;
                }
            }
            if (!Validators(context, $"\"DirIndex-{cid}\""))
                return;
            var listed = await fetch.Exporter.ListAsync(cid, resolveChildren: true, ct);
            var page = System.Text.Encoding.UTF8.GetBytes(DirectoryListingPage.Render(request.Path.Value!, listed));
            response.ContentType = "text/html; charset=utf-8";
            response.ContentLength = page.Length;
            if (!HttpMethods.IsHead(request.Method))
                await response.Body.WriteAsync(page, ct);
            return;
        }
        if (info.Type == UnixFsType.Symlink)
        {
            if (!Validators(context, $"\"{cid}\""))
                return;
            var target = System.Text.Encoding.UTF8.GetBytes(info.SymlinkTarget ?? "");
            response.ContentType = "text/plain; charset=utf-8";
            response.ContentLength = target.Length;
            if (!HttpMethods.IsHead(request.Method))
                await response.Body.WriteAsync(target, ct);
            return;
        }
        await FileAsync(context, fetch, cid, info, request.Query["filename"].FirstOrDefault() ?? name, ct);
    }

    private async Task FileAsync(HttpContext context, SwarmFetch fetch, Cid cid, UnixFsNodeInfo info, string? name, CancellationToken ct)
    {
        var response = context.Response;
        if (!Validators(context, $"\"{cid}\""))
            return;
        var size = info.Size;
        response.ContentType = ContentTypes.FromName(name) ?? await SniffAsync(fetch.Exporter, cid, size, ct);
        response.Headers.AcceptRanges = "bytes";
        long offset = 0, length = size;
        switch (ByteRange.TryParse(context.Request.Headers.Range.ToString(), size, out var range))
        {
            case RangeParse.Unsatisfiable:
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = $"bytes */{size.ToString(CultureInfo.InvariantCulture)}";
                response.ContentLength = 0;
                return;
            case RangeParse.Partial:
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {range.Offset}-{range.Last}/{size}");
                (offset, length) = (range.Offset, range.Length);
                break;
        }
        response.ContentLength = length;
        if (HttpMethods.IsHead(context.Request.Method))
            return;
        var body = new ResponseBodyStream(response.BodyWriter, ct, GatewayServer.ResponseBufferSize);
        try
        {
            await foreach (var part in fetch.Exporter.ReadFileAsync(cid, offset, length, ct))
                await body.WriteAsync(part, ct);
        }
        catch (Exception e) when (e is BlockNotFoundException or CorruptBlockException or InvalidDataException)
        {
            // The status line is gone; cutting the connection short of Content-Length is how the client learns.
            logger.LogWarning("Gateway fetch of {Cid} failed after {Bytes} bytes: {Error}", cid, body.Written, e.Message);
            context.Abort();
        }
        finally
        {
            daemon.Host.Metrics.CountGatewayBytes(body.Written);
        }
    }

    private async Task RawAsync(HttpContext context, SwarmFetch fetch, Cid cid, CancellationToken ct)
    {
        var response = context.Response;
        if (!Validators(context, $"\"{cid}.raw\""))
            return;
        var block = await fetch.Blocks.GetBlockAsync(cid, ct);
        response.ContentType = RawType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{cid}.bin\"";
        response.Headers.XContentTypeOptions = "nosniff";
        response.ContentLength = block.Length;
        if (HttpMethods.IsHead(context.Request.Method))
            return;
        await new ResponseBodyStream(response.BodyWriter, ct, GatewayServer.ResponseBufferSize).WriteAsync(block, ct);
        daemon.Host.Metrics.CountGatewayBytes(block.Length);
    }

    private async Task CarAsync(HttpContext context, SwarmFetch fetch, Cid cid, CancellationToken ct)
    {
        var response = context.Response;
        if (!Validators(context, $"\"{cid}.car\""))
            return;
        // The CAR's length is known only once the DAG has been walked, so it goes out chunked.
        response.ContentType = CarType + "; version=1";
        response.Headers.ContentDisposition = $"attachment; filename=\"{cid}.car\"";
        response.Headers.XContentTypeOptions = "nosniff";
        if (HttpMethods.IsHead(context.Request.Method))
            return;
        try
        {
            // The buffer only joins each block's small length-and-CID prefix into one write; blocks pass through.
            await using var buffered = new BufferedStream(new ResponseBodyStream(response.BodyWriter, ct, GatewayServer.ResponseBufferSize), CarPrefixBuffer);
            var result = await new CarExporter(fetch.Blocks).ExportAsync(cid, buffered, ct);
            daemon.Host.Metrics.CountGatewayBytes(result.Bytes);
        }
        catch (Exception e) when (e is BlockNotFoundException or CorruptBlockException or InvalidDataException)
        {
            logger.LogWarning("Gateway CAR export of {Cid} failed: {Error}", cid, e.Message);
            context.Abort();
        }
    }

    /// <summary>Sets ETag and Cache-Control; answers 304 and returns false when the client's copy is current.</summary>
    private static bool Validators(HttpContext context, string etag)
    {
        var response = context.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = context.Items[MutableCacheKey] as string ?? ImmutableCache;
        var match = context.Request.Headers.IfNoneMatch.ToString();
        if (match.Length == 0)
            return true;
        if (match.Trim() == "*" || match.Split(',').Any(m => m.Trim().TrimStart('W', '/') == etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return false;
        }
        return true;
    }

    private static async Task<string> SniffAsync(UnixFsExporter exporter, Cid cid, long size, CancellationToken ct)
    {
        var head = new byte[(int)Math.Min(size, ContentTypes.SniffLength)];
        var filled = 0;
        await foreach (var part in exporter.ReadFileAsync(cid, 0, head.Length, ct))
        {
            part.Span.CopyTo(head.AsSpan(filled));
            filled += part.Length;
        }
        return ContentTypes.Sniff(head.AsSpan(0, filled));
    }

    /// <summary>The response format from <c>?format=</c> or the Accept header; null for one we do not serve.</summary>
    private static ResponseFormat? FormatOf(HttpRequest request)
    {
        if (request.Query["format"].FirstOrDefault() is { Length: > 0 } format)
        {
            return format switch
            {
                "raw" => ResponseFormat.Raw,
                "car" => ResponseFormat.Car,
                _ => null,
            };
        }
        var accept = request.Headers.Accept.ToString();
        if (accept.Contains(RawType, StringComparison.OrdinalIgnoreCase))
            return ResponseFormat.Raw;
        if (accept.Contains(CarType, StringComparison.OrdinalIgnoreCase))
            return ResponseFormat.Car;
        return ResponseFormat.UnixFs;
    }

    private static Task TextAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(message + "\n");
    }
}
