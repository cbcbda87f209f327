using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// The Delegated Routing V1 HTTP API's content and peer routing (specs.ipfs.tech/routing/http-routing-v1) on the
/// gateway, as kubo serves it there with Gateway.ExposeRoutingAPI: <c>GET /routing/v1/providers/{cid}</c> and
/// <c>GET /routing/v1/peers/{peer-id}</c>, as one JSON object or, when the client's Accept names
/// <c>application/x-ndjson</c>, one record per line written and flushed as it is found. Every answer under
/// <c>/routing/v1/</c> is open to any web page (the spec's "CORS and Web Browsers"): the gateway is read-only and
/// these routes only read what the network already publishes. The RPC API stays closed (Api/ApiGuard).
/// </summary>
public sealed class DelegatedRoutingEndpoints
{
    public const string Prefix = "/routing/v1";

    /// <summary>max-age of an answer with records, and of one without (boxo's 5 min and 15 s; the spec's examples).</summary>
    internal static readonly TimeSpan FoundMaxAge = TimeSpan.FromMinutes(5), EmptyMaxAge = TimeSpan.FromSeconds(15);

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly IDelegatedRouter _router;
    private readonly DelegatedRoutingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public DelegatedRoutingEndpoints(IDelegatedRouter router, DelegatedRoutingOptions options, TimeProvider time, ILogger logger)
    {
        options.Validate();
        (_router, _options, _time, _logger) = (router, options, time, logger);
    }

    /// <summary>The daemon's endpoints: its node as the router, its clock, the DHT's provider record lifetime as the stale window.</summary>
    public static DelegatedRoutingEndpoints ForDaemon(Daemon daemon, ILoggerFactory loggers) =>
        new(new NetworkRouter(daemon.Host, loggers.CreateLogger<NetworkRouter>()),
            new DelegatedRoutingOptions { MaxStale = daemon.Host.Dht.Options.ProviderTtl },
            daemon.Time, loggers.CreateLogger<DelegatedRoutingEndpoints>());

    /// <summary>
    /// Adds the routes to <paramref name="app"/>, and before them a step that puts the CORS headers on every answer
    /// under the prefix and answers preflight OPTIONS itself (routing would match the preflight against GET routes
    /// and refuse it). Other paths under the prefix: 400 for a GET (the spec's "unknown path"), 501 for other methods.
    /// </summary>
    public void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(Prefix))
                return next(context);
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = "*";
            headers.AccessControlAllowMethods = "GET, PUT, OPTIONS";
            if (!HttpMethods.IsOptions(context.Request.Method))
                return next(context);
            // Accept is safelisted already; the others are what browsers' fetch and kubo's gateway list.
            headers.AccessControlAllowHeaders = "Accept, Content-Type, User-Agent, X-Requested-With";
            headers.AccessControlMaxAge = "86400";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        app.MapGet(Prefix + "/providers/{cid}", ProvidersAsync);
        app.MapGet(Prefix + "/peers/{peerId}", PeersAsync);
        app.Map(Prefix + "/{**rest}", (HttpContext context) => HttpMethods.IsGet(context.Request.Method)
            ? ErrorAsync(context, StatusCodes.Status400BadRequest, $"unknown path {context.Request.Path}")
            : ErrorAsync(context, StatusCodes.Status501NotImplemented, $"{context.Request.Method} is not supported on {context.Request.Path}"));
    }

    private async Task ProvidersAsync(HttpContext context)
    {
        var text = context.Request.RouteValues["cid"] as string;
        if (!Cid.TryParse(text, out var cid, out var error))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"unable to parse CID: {error}");
            return;
        }
        if (Prepare(context, out var type, out var filter, out var max) is { } unsupported)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, unsupported);
            return;
        }
        using var cap = new CancellationTokenSource(_options.Timeout, _time);
        using var lookup = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, cap.Token);
        // Filters run before the cap, as boxo's: records a filter drops must not use up the answer's room, so a
        // filtered request asks the router for up to the stream cap even for JSON (the time cap bounds the cost).
        var ask = ReferenceEquals(filter, RoutingFilter.None) ? max : Math.Max(max, _options.MaxStreamRecords);
        var records = Filtered(_router.FindProvidersAsync(cid!, ask, lookup.Token), filter);
        await AnswerAsync(context, type, "Providers", records, max);
    }

    private async Task PeersAsync(HttpContext context)
    {
        var text = context.Request.RouteValues["peerId"] as string;
        if (!RoutingIds.TryParsePeer(text, out var peer, out var error))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"unable to parse PeerID \"{text}\": {error}");
            return;
        }
        if (Prepare(context, out var type, out var filter, out var max) is { } unsupported)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, unsupported);
            return;
        }
        using var cap = new CancellationTokenSource(_options.Timeout, _time);
        using var lookup = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, cap.Token);
        var records = Filtered(One(_router.FindPeerAsync(peer!, lookup.Token)), filter);
        await AnswerAsync(context, type, "Peers", records, max);
    }

    /// <summary>The body type, filter and record cap a request asks for; an error sentence when Accept names no type we send.</summary>
    private string? Prepare(HttpContext context, out RoutingMediaType type, out RoutingFilter filter, out int max)
    {
        type = RoutingAccept.Choose(context.Request.Headers.Accept.ToArray());
        var query = context.Request.Query;
        filter = RoutingFilter.Parse(query["filter-addrs"], query["filter-protocols"]);
        max = type == RoutingMediaType.NdJson ? _options.MaxStreamRecords : _options.MaxJsonRecords;
        return type == RoutingMediaType.Unsupported
            ? $"no supported content type in Accept: ask for {RoutingAccept.Json} or {RoutingAccept.NdJson}"
            : null;
    }

    /// <summary>
    /// Writes the records as JSON (<c>{"Providers":[…]}</c>) or ndjson, at most <paramref name="max"/> of them. When
    /// the time cap ends the lookup (the records' own token), the answer holds what was found by then. ndjson's
    /// headers wait for the first record, so its Cache-Control can say whether there were any.
    /// </summary>
    private async Task AnswerAsync(HttpContext context, RoutingMediaType type, string listName, IAsyncEnumerable<PeerRecord> records, int max)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        var found = new List<PeerRecord>();
        var streamed = 0;
        using var json = new Utf8JsonWriter(response.BodyWriter);
        try
        {
            await foreach (var record in records)
            {
                if (type == RoutingMediaType.Json)
                {
                    found.Add(record);
                }
                else
                {
                    if (streamed == 0)
                        Headers(response, RoutingAccept.NdJson, anyFound: true);
                    json.Reset();
                    record.WriteTo(json);
                    await json.FlushAsync(aborted);
                    await response.BodyWriter.WriteAsync(NewLine, aborted);
                    await response.BodyWriter.FlushAsync(aborted);
                    streamed++;
                }
                if (found.Count + streamed == max)
                    break;
            }
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            // The time cap: answer with what was found.
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A router that fails (the node shutting down under a lookup) is a server fault, logged once here.
            _logger.LogError(e, "Delegated routing answer for {Path} failed", context.Request.Path.Value);
            if (response.HasStarted)
                context.Abort();
            else
                await ErrorAsync(context, StatusCodes.Status500InternalServerError, $"routing lookup failed: {e.Message}");
            return;
        }
        if (type == RoutingMediaType.NdJson)
        {
            if (streamed == 0)
                Headers(response, RoutingAccept.NdJson, anyFound: false);
            return;
        }
        Headers(response, RoutingAccept.Json, anyFound: found.Count > 0);
        json.Reset();
        json.WriteStartObject();
        json.WriteStartArray(listName);
        foreach (var record in found)
            record.WriteTo(json);
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(aborted);
    }

    /// <summary>
    /// The spec's response headers: Content-Type, <c>Vary: Accept</c>, Last-Modified (now), and Cache-Control with a
    /// short max-age for an empty answer, a longer one with records, and the provider records' lifetime as the stale
    /// window (<c>public, max-age=300, stale-while-revalidate=172800, stale-if-error=172800</c>).
    /// </summary>
    private void Headers(HttpResponse response, string contentType, bool anyFound)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.Vary = "Accept";
        response.Headers.LastModified = _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        var maxAge = (long)(anyFound ? FoundMaxAge : EmptyMaxAge).TotalSeconds;
        var stale = (long)_options.MaxStale.TotalSeconds;
        response.Headers.CacheControl = string.Create(CultureInfo.InvariantCulture,
            $"public, max-age={maxAge}, stale-while-revalidate={stale}, stale-if-error={stale}");
    }

    /// <summary>An error as the spec's servers send it: the status and one line of plain text.</summary>
    /// <summary>A plain-text error answer, as the spec's examples give (shared with <see cref="IpnsRoutingEndpoints"/>).</summary>
    internal static Task ErrorAsync(HttpContext context, int status, string sentence)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(sentence + "\n", Encoding.UTF8, context.RequestAborted);
    }

    private static async IAsyncEnumerable<PeerRecord> Filtered(IAsyncEnumerable<PeerRecord> records, RoutingFilter filter)
    {
        await foreach (var record in records)
        {
            if (filter.Apply(record) is { } kept)
                yield return kept;
        }
    }

    private static async IAsyncEnumerable<PeerRecord> One(Task<PeerRecord?> lookup)
    {
        if (await lookup is { } record)
            yield return record;
    }
}
