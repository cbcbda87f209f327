using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace P2P.Node.Hosting.WebUi;

/// <summary>One embedded dashboard file and the media type it is served with.</summary>
public sealed record WebUiAsset(byte[] Bytes, string ContentType);

/// <summary>
/// The dashboard's files, read once from the assembly's manifest resources named <c>webui/NAME</c> (see
/// P2P.Node.csproj). Only names present there are served, so a request path can never reach the file system.
/// </summary>
public sealed class WebUiAssets
{
    private const string Prefix = "webui/";

    private readonly Dictionary<string, WebUiAsset> _assets;

    private WebUiAssets(Dictionary<string, WebUiAsset> assets)
    {
        _assets = assets;
    }

    public IReadOnlyCollection<string> Names => _assets.Keys;

    public static WebUiAssets Load()
    {
        var assembly = typeof(WebUiAssets).Assembly;
        var assets = new Dictionary<string, WebUiAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            assets[name] = new WebUiAsset(Read(assembly, resource), ContentTypeOf(name));
        }
        if (!assets.ContainsKey("index.html"))
            throw new InvalidOperationException("the dashboard's index.html is not embedded in the assembly");
        return new WebUiAssets(assets);
    }

    public bool TryGet(string name, [NotNullWhen(true)] out WebUiAsset? asset) => _assets.TryGetValue(name, out asset);

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
