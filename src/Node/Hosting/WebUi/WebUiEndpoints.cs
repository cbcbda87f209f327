using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Hosting.Api;

namespace P2P.Node.Hosting.WebUi;

/// <summary>
/// The dashboard at <c>/webui</c>: static HTML, CSS and JS embedded in this assembly (no CDN, no external fonts),
/// served by the API's own listener so the page's calls to <c>/api/v0/…</c> are same-origin and pass the API's
/// origin check. <c>POST /webui/config</c> tells the page where the HTTP gateway is, if the daemon runs one.
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

    public static void Map(IEndpointRouteBuilder app, DaemonNode daemon)
    {
        var assets = WebUiAssets.Load();
        // Routing treats /webui and /webui/ alike; the page names its files by absolute path, so both work.
        app.MapGet("/webui", (HttpContext context) => Serve(context, assets, "index.html"));
        app.MapGet("/webui/{name}", (HttpContext context, string name) => Serve(context, assets, name));
        app.MapPost("/webui/config", () => ApiJson.Ok(new { Gateway = GatewayUrl(daemon.Local.Repo.RootPath) }));
    }

    private static IResult Serve(HttpContext context, WebUiAssets assets, string name)
    {
        if (!assets.TryGet(name, out var asset))
            return Results.NotFound();
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // The assets change only with the binary; a daemon upgrade must not be masked by a stale cached script.
        headers.CacheControl = "no-cache";
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
