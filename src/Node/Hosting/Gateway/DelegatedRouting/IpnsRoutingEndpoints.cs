using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using P2P.Node.Errors;
using P2P.Node.Naming;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// The Delegated Routing V1 API's IPNS routes (specs.ipfs.tech/routing/http-routing-v1, "IPNS API"):
/// <c>GET /routing/v1/ipns/{name}</c> answers the newest valid record as <c>application/vnd.ipfs.ipns-record</c>
/// (Cache-Control from the record's TTL), and <c>PUT</c> takes a record signed elsewhere, checks it and stores it in
/// the DHT. Records sign themselves, so a browser may PUT one (the CORS step of <see cref="DelegatedRoutingEndpoints"/>
/// covers these paths); the body is capped at the record size limit and PUTs run a few at a time.
/// </summary>
public sealed class IpnsRoutingEndpoints(NameSystem names, ILogger logger)
{
    /// <summary>PUTs handled at once; more wait their turn (each is a DHT lookup and k stores).</summary>
    public const int MaxConcurrentPuts = 4;

    private readonly SemaphoreSlim _puts = new(MaxConcurrentPuts, MaxConcurrentPuts);

    public void Map(WebApplication app)
    {
        app.MapGet(DelegatedRoutingEndpoints.Prefix + "/ipns/{name}", GetAsync);
        app.MapPut(DelegatedRoutingEndpoints.Prefix + "/ipns/{name}", PutAsync);
    }

    private async Task GetAsync(HttpContext context)
    {
        if (!TryName(context, out var name, out var error))
        {
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Contains(GatewayHandler.IpnsRecordType, StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
        {
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status406NotAcceptable, $"this route answers {GatewayHandler.IpnsRecordType} only");
            return;
        }
        IpnsRecord record;
        try
        {
            record = await names.ResolveRecordAsync(name, noCache: false, context.RequestAborted);
        }
        catch (P2PException e) when (e.Kind == ErrorKind.NotFound)
        {
            context.Response.Headers.CacheControl = "public, max-age=15";
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status404NotFound, e.Message);
            return;
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("IPNS lookup of {Name} failed: {Error}", name, e.Message);
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status500InternalServerError, e.Message);
            return;
        }
        var response = context.Response;
        response.ContentType = GatewayHandler.IpnsRecordType;
        response.Headers.CacheControl = $"public, max-age={(long)Math.Max(0, record.Ttl.TotalSeconds)}";
        response.Headers.Vary = "Accept";
        response.ContentLength = record.Bytes.Length;
        await response.Body.WriteAsync(record.Bytes, context.RequestAborted);
    }

    private async Task PutAsync(HttpContext context)
    {
        if (!TryName(context, out var name, out var error))
        {
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }
        var body = await ReadCappedAsync(context.Request, IpnsRecord.MaxSize, context.RequestAborted);
        if (body is null)
        {
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"an IPNS record is at most {IpnsRecord.MaxSize} bytes");
            return;
        }
        await _puts.WaitAsync(context.RequestAborted);
        try
        {
            await names.PutRecordAsync(name, body, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        catch (P2PException e) when (e.Kind is ErrorKind.BadInput or ErrorKind.Conflict)
        {
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("IPNS put of {Name} failed: {Error}", name, e.Message);
            await DelegatedRoutingEndpoints.ErrorAsync(context, StatusCodes.Status500InternalServerError, e.Message);
        }
        finally
        {
            _puts.Release();
        }
    }

    private static bool TryName(HttpContext context, out IpnsName name, out string error)
    {
        var text = context.Request.RouteValues["name"] as string;
        if (IpnsName.TryParse(text, out name, out var reason))
        {
            error = "";
            return true;
        }
        error = $"invalid IPNS name \"{text}\": {reason}";
        return false;
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes (read no further than that).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max)
            return null;
        var buffer = new byte[max + 1];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
            filled += read;
        return filled > max ? null : buffer[..filled];
    }
}
