using System.Xml;
using System.Xml.Linq;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// The part of an IGD's device description (UPnP Device Architecture §2.3) we need: the control URL of its
/// WANIPConnection (v2 or v1) or WANPPPConnection service. Parsed with DTDs prohibited, no resolver and a size cap,
/// so a hostile description is a parse failure, not an entity expansion or a fetch.
/// </summary>
public sealed record IgdDescription(string ServiceType, Uri ControlUrl)
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The service types we can drive, best first.</summary>
    public static readonly string[] ServiceTypes =
    [
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANPPPConnection:1",
    ];

    /// <summary>
    /// Finds the connection service in the description fetched from <paramref name="location"/>; null with why when
    /// there is none, the XML is bad, or the control URL points at another host than the description's.
    /// </summary>
    public static IgdDescription? Parse(string xml, Uri location, out string? problem)
    {
        problem = null;
        XDocument doc;
        try
        {
            doc = LoadSafely(xml);
        }
        catch (XmlException e)
        {
            problem = $"the description is not XML: {e.Message}";
            return null;
        }
        var urlBase = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "URLBase")?.Value.Trim();
        var baseUri = location;
        if (!string.IsNullOrEmpty(urlBase) && Uri.TryCreate(urlBase, UriKind.Absolute, out var parsedBase))
            baseUri = parsedBase;
        var services = doc.Descendants().Where(e => e.Name.LocalName == "service")
            .Select(s => (Type: Child(s, "serviceType"), Control: Child(s, "controlURL")))
            .Where(s => s.Type is not null && s.Control is not null)
            .ToList();
        foreach (var type in ServiceTypes)
        {
            if (services.FirstOrDefault(s => s.Type == type) is not { Control: { } control })
                continue;
            if (!Uri.TryCreate(baseUri, control, out var url) || url.Scheme != Uri.UriSchemeHttp || url.Host != location.Host)
            {
                problem = $"the control URL '{Truncate(control)}' is not an http URL on {location.Host}";
                return null;
            }
            return new IgdDescription(type, url);
        }
        problem = "no WANIPConnection or WANPPPConnection service in the description";
        return null;
    }

    /// <summary>XML with no DTD, no external resolution and at most <see cref="MaxBytes"/> characters.</summary>
    internal static XDocument LoadSafely(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxBytes,
            IgnoreComments = true,
        };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        return XDocument.Load(reader);
    }

    private static string? Child(XElement e, string name) => e.Elements().FirstOrDefault(c => c.Name.LocalName == name)?.Value.Trim();

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
