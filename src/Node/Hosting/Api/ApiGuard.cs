using Microsoft.AspNetCore.Http;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// Who may talk to the API, checked before any endpoint runs, in this order:
/// <list type="number">
/// <item>The Host must be one the API serves (<see cref="ApiHosts"/>): this is what stops DNS rebinding, where a
/// page under the attacker's name is same-origin with the API. 403 otherwise.</item>
/// <item>An Origin, when sent, must be the API's own (<c>http://</c> + the served Host): a page elsewhere cannot
/// post here (CSRF). 403 otherwise.</item>
/// <item>With an access token (<c>api.token</c>) every request must carry it (401). Without one, a browser's request
/// (it carries Origin or Sec-Fetch-Site) to <c>/api/v0</c>, or any request that is not GET or HEAD, must carry the
/// dashboard's per-run token, which only a page this API served can read (403). A request with neither header is a
/// program on this machine (the CLI, curl, kubo's RPC client under Node.js) and passes, as with kubo.</item>
/// </list>
/// Refusals are kubo's JSON error body, so the CLI and kubo's clients show the message.
/// </summary>
public sealed class ApiGuard
{
    private readonly ApiHosts _hosts;

    /// <summary>The repo's <c>api.token</c>, or null when there is none (then the API is on loopback).</summary>
    private readonly string? _apiToken;

    /// <summary>Random per daemon run; embedded in the dashboard's page, sent back by its script.</summary>
    private readonly string _dashboardToken;

    public ApiGuard(ApiHosts hosts, string? apiToken, string dashboardToken)
    {
        _hosts = hosts;
        _apiToken = apiToken;
        _dashboardToken = dashboardToken;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!_hosts.IsServed(request.Host, context.Connection.LocalIpAddress, context.Connection.LocalPort))
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden,
                $"Host {request.Host.Value} is not served by this API (only loopback names with its port, and the names in apiAllowedHosts): a page on another name reached it, as DNS rebinding does");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
            return RefuseAsync(context, StatusCodes.Status403Forbidden, $"cross-origin request from {origin} refused");
        var authorization = request.Headers.Authorization.ToString();
        if (_apiToken is not null)
        {
            if (ApiToken.Matches(authorization, _apiToken))
                return next(context);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return RefuseAsync(context, StatusCodes.Status401Unauthorized,
                $"this API needs its access token (Authorization: Bearer, from the repo's {ApiToken.FileName})");
        }
        if (NeedsToken(request) && IsFromBrowser(request) && !ApiToken.Matches(authorization, _dashboardToken))
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden,
                "a browser's request needs the dashboard's token (Authorization: Bearer); open the dashboard at /webui");
        }
        return next(context);
    }

    /// <summary>Every RPC call (kubo's are all POST and may change the repo) and anything but a plain read.</summary>
    private static bool NeedsToken(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/v0", StringComparison.OrdinalIgnoreCase)
        || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));

    /// <summary>
    /// Browsers send Origin on every POST and Sec-Fetch-Site on every request (Chromium 76, Firefox 90, Safari 16.4),
    /// and a page cannot remove either. Node's fetch sends Sec-Fetch-Mode but neither of these.
    /// </summary>
    private static bool IsFromBrowser(HttpRequest request) =>
        request.Headers.Origin.Count > 0 || request.Headers.ContainsKey("Sec-Fetch-Site");

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        // Forbidden's body; the status stays the one given, since 401 (with WWW-Authenticate) asks for the token.
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(ApiError.Body(new UserError(ErrorKind.Forbidden, message)), ApiJson.Options);
    }
}
