using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// The daemon's local HTTP API: Kestrel, kubo's RPC paths (<c>POST /api/v0/…</c>) and JSON field names, the
/// dashboard at <c>/webui</c>, and the Prometheus metrics at <c>GET /debug/metrics/prometheus</c>. Every request
/// passes <see cref="ApiGuard"/> first: a Host the API serves (DNS rebinding), no foreign Origin (CSRF), and the
/// access token (<see cref="ApiToken"/>) when the repo has one, or the dashboard's token for a browser's calls.
/// Without an access token the API binds only to loopback.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    /// <summary>
    /// What one API connection may queue for its client, and the slice its streamed answers (cat, get, dag export)
    /// write at a time: a default block. With Kestrel's 64 KiB every slice waited for the socket sender and the
    /// sender for the next slice, two thread hand-offs per 64 KiB: `strace -f -c` of the daemon for a 1 GiB local
    /// cat counted 16,384 sendmsg and 54,203 syscalls in all, against 4,102 and 32,564 with 256 KiB; sizes up to
    /// 2 MiB cost no less CPU than 256 KiB (docs/perf/read-path.md). A client that stops reading pins at most twice this.
    /// </summary>
    public const int ResponseBufferSize = 256 * 1024;

    private readonly LoopbackWebHost _host;

    private ApiServer(LoopbackWebHost host) => _host = host;

    /// <summary>The application's services, for tests of how the host was set up.</summary>
    internal IServiceProvider Services => _host.Services;

    /// <summary>The bound address, with the real port when 0 was asked.</summary>
    public IPEndPoint EndPoint => _host.EndPoint;

    /// <summary>
    /// Starts the API on <paramref name="bind"/>. A non-loopback address needs <paramref name="token"/>, and with a
    /// token a request without <c>Authorization: Bearer &lt;token&gt;</c> gets 401. <paramref name="allowedHosts"/>
    /// are the Host names served besides loopback's (config <c>apiAllowedHosts</c>).
    /// </summary>
    public static async Task<ApiServer> StartAsync(IPEndPoint bind, Daemon daemon, ILoggerFactory loggers, CancellationToken ct,
        string? token = null, IReadOnlyList<string>? allowedHosts = null, int maxConnections = LoopbackWebHost.DefaultMaxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        CheckBind(bind, token);
        // A fresh one each run: a page served by an earlier run, or its cached copy, holds a dead token.
        var dashboardToken = ApiToken.NewToken();
        var guard = new ApiGuard(new ApiHosts(allowedHosts), token, dashboardToken);
        var host = await LoopbackWebHost.StartAsync(bind, loggers,
            // `add` streams files of any size; blocks are capped per endpoint.
            k =>
            {
                k.Limits.MaxRequestBodySize = null;
                k.Limits.MaxConcurrentConnections = maxConnections;
            },
            app =>
            {
                app.Use(guard.InvokeAsync);
                app.Use(ApiFaults.InvokeAsync);
                app.Use(ApiTimeout.InvokeAsync);
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
                SystemEndpoints.Map(api, daemon);
                ConfigEndpoints.Map(api, daemon);
                RefsEndpoints.Map(api, daemon);
                DagReadEndpoints.Map(api, daemon);
                RoutingEndpoints.Map(api, daemon);
                FilesEndpoints.Map(api, daemon);
                KeyEndpoints.Map(api, daemon);
                NameEndpoints.Map(api, daemon);
                WebUi.WebUiEndpoints.Map(app, daemon, dashboardToken);
            }, ct, ResponseBufferSize);
        return new ApiServer(host);
    }

    /// <summary>Refuses a bind that would expose an unauthenticated API beyond this machine.</summary>
    public static void CheckBind(IPEndPoint bind, string? token)
    {
        if (!IPAddress.IsLoopback(bind.Address) && token is null)
            throw new ArgumentException($"the API binds to {bind.Address}, beyond loopback, only with an access token ({ApiToken.FileName})", nameof(bind));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
