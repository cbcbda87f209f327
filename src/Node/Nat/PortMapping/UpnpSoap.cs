using System.Xml;
using System.Xml.Linq;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// The SOAP 1.1 bodies of the IGD actions we call (UPnP IGD WANIPConnection:1/2 §2.4): AddPortMapping,
/// GetExternalIPAddress, DeletePortMapping; and the reading of their answers, out arguments or a UPnPError.
/// </summary>
public static class UpnpSoap
{
    private static readonly XNamespace Soap = "http://schemas.xmlsoap.org/soap/envelope/";

    /// <summary>The envelope for <paramref name="action"/> of <paramref name="serviceType"/>; values are escaped by the XML writer.</summary>
    public static string Envelope(string serviceType, string action, params (string Name, string Value)[] arguments)
    {
        XNamespace u = serviceType;
        var doc = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Soap + "Envelope",
                new XAttribute(XNamespace.Xmlns + "s", Soap.NamespaceName),
                new XAttribute(Soap + "encodingStyle", "http://schemas.xmlsoap.org/soap/encoding/"),
                new XElement(Soap + "Body",
                    new XElement(u + action, new XAttribute(XNamespace.Xmlns + "u", serviceType),
                        arguments.Select(a => new XElement(a.Name, a.Value))))));
        return doc.Declaration + "\n" + doc.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>The SOAPACTION header's value: the quoted service type and action.</summary>
    public static string SoapAction(string serviceType, string action) => $"\"{serviceType}#{action}\"";

    /// <summary>
    /// An answer's out arguments by name (null when it is not XML or not an <c>{action}Response</c>), or the UPnP error
    /// code and description it carries.
    /// </summary>
    public static (IReadOnlyDictionary<string, string>? Out, int? ErrorCode, string? Error) ParseAnswer(string xml, string action)
    {
        XDocument doc;
        try
        {
            doc = IgdDescription.LoadSafely(xml);
        }
        catch (XmlException e)
        {
            return (null, null, $"the answer is not XML: {e.Message}");
        }
        if (doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "UPnPError") is { } fault)
        {
            var codeText = fault.Elements().FirstOrDefault(e => e.Name.LocalName == "errorCode")?.Value.Trim();
            var description = fault.Elements().FirstOrDefault(e => e.Name.LocalName == "errorDescription")?.Value.Trim() ?? "";
            int? code = int.TryParse(codeText, System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : null;
            return (null, code, $"UPnP error {codeText ?? "?"} {Truncate(description)}".TrimEnd());
        }
        var response = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == action + "Response");
        if (response is null)
            return (null, null, $"no {action}Response in the answer");
        var outs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in response.Elements())
            outs[e.Name.LocalName] = e.Value.Trim();
        return (outs, null, null);
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
