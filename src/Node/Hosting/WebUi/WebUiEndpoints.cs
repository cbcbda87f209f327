using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Hosting.Api;

namespace P2P.Node.Hosting.WebUi;

/// <summary>
/// The dashboard at <c>/webui</c>: static HTML, CSS and JS embedded in this assembly (no CDN, no external fonts),
/// served by the API's own listener so the page's calls to <c>/api/v0/…</c> are same-origin, pass the API's
/// origin check, and carry the per-run token written into the page (see <see cref="ApiGuard"/>). <c>POST /webui/config</c> tells the page where the HTTP gateway is, if the daemon runs one.
/// </summary>
public static class WebUiEndpoints
{
    /// <summary>The file the daemon writes its gateway address to, next to <c>api</c> in the repo.</summary>
    public const string GatewayFileName = "gateway";

    /// <summary>
    /// Pages may only load what this listener serves and talk to it; nothing may frame them (clickjacking of the
    /// add box), and inline script is refused so data shown on the page can never run.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>The text in index.html's <c>p2p-api-token</c> meta tag that each run replaces with its token.</summary>
    public const string TokenPlaceholder = "{{P2P_DASHBOARD_TOKEN}}";

    /// <summary>
    /// Maps the dashboard. <paramref name="dashboardToken"/> is written into the page, where only a script of the same
    /// origin can read it (the API checks Host, so that origin is the API's own); the script sends it with every call.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app, Daemon daemon, string dashboardToken)
    {
        var assets = WebUiAssets.Load();
        var page = WithToken(assets, dashboardToken);
        // Routing treats /webui and /webui/ alike; the page names its files by absolute path, so both work.
        app.MapGet("/webui", (HttpContext context) => Serve(context, page, secret: true));
        app.MapGet("/webui/{name}", (HttpContext context, string name) =>
            name == "index.html" ? Serve(context, page, secret: true)
            : assets.TryGet(name, out var asset) ? Serve(context, asset, secret: false)
            : Results.NotFound());
        app.MapPost("/webui/config", () => ApiJson.Ok(new { Gateway = GatewayUrl(daemon.Local.Repo.RootPath) }));
    }

    private static WebUiAsset WithToken(WebUiAssets assets, string token)
    {
        assets.TryGet("index.html", out var index);
        var html = System.Text.Encoding.UTF8.GetString(index!.Bytes);
        if (!html.Contains(TokenPlaceholder, StringComparison.Ordinal))
            throw new InvalidOperationException($"the dashboard's index.html lacks {TokenPlaceholder}");
        return index with { Bytes = System.Text.Encoding.UTF8.GetBytes(html.Replace(TokenPlaceholder, token, StringComparison.Ordinal)) };
    }

    private static IResult Serve(HttpContext context, WebUiAsset asset, bool secret)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The assets change only with the binary; a daemon upgrade must not be masked by a stale cached script.
        // The page holds this run's token: kept out of any cache.
        headers.CacheControl = secret ? "no-store" : "no-cache";
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    /// <summary>
    /// The gateway's base URL (<c>http://127.0.0.1:PORT</c>) read from the repo's gateway file, which holds a
    /// multiaddr (<c>/ip4/127.0.0.1/tcp/PORT</c>), an address:port or a URL; null when there is none or it is not
    /// a loopback address (the page would otherwise be pointed off this machine by a file it does not control).
    /// </summary>
    public static string? GatewayUrl(string repoRoot)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Join(repoRoot, GatewayFileName)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return ParseGateway(text);
    }

    public static string? ParseGateway(string text)
    {
        IPEndPoint? endPoint = null;
        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 4 && parts[0] is "ip4" or "ip6" && parts[2] == "tcp"
            && IPAddress.TryParse(parts[1], out var address)
            && ushort.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            endPoint = new IPEndPoint(address, port);
        else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var host))
            endPoint = new IPEndPoint(host, uri.Port);
        else if (IPEndPoint.TryParse(text, out var parsed))
            endPoint = parsed;
        if (endPoint is null || endPoint.Port == 0 || !IPAddress.IsLoopback(endPoint.Address))
            return null;
        var hostText = endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"http://{hostText}:{endPoint.Port}");
    }
}
