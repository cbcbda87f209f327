using System.Net;
using System.Text;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// SSDP as UPnP Device Architecture 1.1 §1.3 uses it to find an Internet Gateway Device: an HTTPU M-SEARCH to
/// 239.255.255.250:1900 and unicast "HTTP/1.1 200 OK" answers whose LOCATION names the device description.
/// </summary>
public static class SsdpMessage
{
    public static readonly IPEndPoint MulticastEndPoint = new(IPAddress.Parse("239.255.255.250"), 1900);

    /// <summary>Answers longer than this are not SSDP answers (a real one is a few hundred bytes).</summary>
    public const int MaxAnswerBytes = 2048;

    public const string GatewaySearchTarget = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";

    /// <summary>The M-SEARCH datagram; MX (seconds a device may wait before answering) is kept small.</summary>
    public static byte[] Search(string searchTarget = GatewaySearchTarget, int mx = 1) => Encoding.ASCII.GetBytes(
        "M-SEARCH * HTTP/1.1\r\n" +
        $"HOST: {MulticastEndPoint}\r\n" +
        "MAN: \"ssdp:discover\"\r\n" +
        $"MX: {mx}\r\n" +
        $"ST: {searchTarget}\r\n" +
        "\r\n");

    /// <summary>
    /// The description URL of an answer from <paramref name="source"/>, or null with why. Only an http URL whose host is
    /// the answering address itself is taken: an answer cannot send us to fetch from some other host.
    /// </summary>
    public static Uri? ParseLocation(ReadOnlySpan<byte> datagram, IPAddress source, out string? problem)
    {
        problem = null;
        if (datagram.Length > MaxAnswerBytes)
        {
            problem = $"an answer of {datagram.Length} bytes is too long";
            return null;
        }
        var text = Encoding.ASCII.GetString(datagram);
        var lines = text.Split("\r\n");
        if (lines.Length < 2 || !lines[0].StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            problem = "not an HTTP/1.1 200 answer";
            return null;
        }
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !line[..colon].Trim().Equals("LOCATION", StringComparison.OrdinalIgnoreCase))
                continue;
            var value = line[(colon + 1)..].Trim();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                problem = "LOCATION is not an http URL";
                return null;
            }
            if (!IPAddress.TryParse(uri.Host, out var host) || !host.Equals(source))
            {
                problem = $"LOCATION host {uri.Host} is not the answering address {source}";
                return null;
            }
            return uri;
        }
        problem = "no LOCATION header";
        return null;
    }
}
