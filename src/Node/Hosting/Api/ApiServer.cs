using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// The daemon's local HTTP API: Kestrel, kubo's RPC paths (<c>POST /api/v0/…</c>) and JSON field names, and the
/// Prometheus metrics at <c>GET /debug/metrics/prometheus</c>. It refuses any request whose Origin header names
/// another origin, so a web page cannot drive it from a browser (CSRF), as kubo does. With an access token every
/// request must carry it (<see cref="ApiToken"/>); without one the API binds only to loopback.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly LoopbackWebHost _host;

    private ApiServer(LoopbackWebHost host) => _host = host;

    /// <summary>The bound address, with the real port when 0 was asked.</summary>
    public IPEndPoint EndPoint => _host.EndPoint;

    /// <summary>
    /// Starts the API on <paramref name="bind"/>. A non-loopback address needs <paramref name="token"/>, and with a
    /// token a request without <c>Authorization: Bearer &lt;token&gt;</c> gets 401.
    /// </summary>
    public static async Task<ApiServer> StartAsync(IPEndPoint bind, DaemonNode daemon, ILoggerFactory loggers, CancellationToken ct, string? token = null)
    {
        CheckBind(bind, token);
        var host = await LoopbackWebHost.StartAsync(bind, loggers,
            // `add` streams files of any size; blocks are capped per endpoint.
            k => k.Limits.MaxRequestBodySize = null,
            app =>
            {
                app.Use(RefuseForeignOrigins);
                if (token is not null)
                    app.Use((context, next) => RequireToken(context, next, token));
                Metrics.MetricsEndpoint.Map(app, daemon);
                var api = app.MapGroup("/api/v0");
                NetworkEndpoints.Map(api, daemon);
                ContentEndpoints.Map(api, daemon);
                RepoEndpoints.Map(api, daemon);
                ExchangeEndpoints.Map(api, daemon);
                DagEndpoints.Map(api, daemon);
                GetEndpoint.Map(api, daemon);
                StatsEndpoints.Map(api, daemon);
                PinVerifyEndpoint.Map(api, daemon);
                WebUi.WebUiEndpoints.Map(app, daemon);
            }, ct);
        return new ApiServer(host);
    }

    /// <summary>Refuses a bind that would expose an unauthenticated API beyond this machine.</summary>
    public static void CheckBind(IPEndPoint bind, string? token)
    {
        if (!IPAddress.IsLoopback(bind.Address) && token is null)
            throw new ArgumentException($"the API binds to {bind.Address}, beyond loopback, only with an access token ({ApiToken.FileName})", nameof(bind));
    }

    private static Task RequireToken(HttpContext context, RequestDelegate next, string token)
    {
        if (ApiToken.Matches(context.Request.Headers.Authorization.FirstOrDefault(), token))
            return next(context);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return context.Response.WriteAsync("401 - Unauthorized: this API needs its access token (Authorization: Bearer)\n");
    }

    /// <summary>Browsers send Origin on cross-site requests; only our own origin (or none: the CLI, curl) passes.</summary>
    private static Task RefuseForeignOrigins(HttpContext context, RequestDelegate next)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            var own = $"{context.Request.Scheme}://{context.Request.Host}";
            if (!string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return context.Response.WriteAsync("403 - Forbidden: cross-origin requests are refused\n");
            }
        }
        return next(context);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
