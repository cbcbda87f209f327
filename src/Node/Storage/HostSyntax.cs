using System.Globalization;
using System.Net;

namespace P2P.Node.Storage;

/// <summary>
/// An HTTP Host value, <c>name[:port]</c> (an IPv6 address in brackets), as the API's allowed-hosts check and the
/// config's <c>apiAllowedHosts</c> entries both read it: the name lower-cased and without a trailing dot.
/// </summary>
public static class HostSyntax
{
    /// <summary>Longer than any DNS name (253) with a port; nothing longer is looked at.</summary>
    private const int MaxLength = 300;

    /// <summary>Splits <paramref name="text"/>; false when it is not a DNS name, IPv4 or bracketed IPv6 address with an optional port 1-65535.</summary>
    public static bool TryParse(string? text, out string name, out int? port)
    {
        name = "";
        port = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
            return false;
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                return false;
            host = text[..(close + 1)];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                    return false;
                portText = rest[1..];
            }
            if (!IPAddress.TryParse(host.Trim('[', ']'), out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                return false;
        }
        else
        {
            var colon = text.LastIndexOf(':');
            // An IPv6 address without brackets is not a Host value.
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) != colon)
                return false;
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? null : text[(colon + 1)..];
            if (host.EndsWith('.'))
                host = host[..^1];
            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
                return false;
        }
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                return false;
            port = p;
        }
        name = host.ToLowerInvariant();
        return true;
    }

    /// <summary>
    /// Parses an IP address and port such as 127.0.0.1:5001 or [::1]:8080, where the API and gateway listen; false
    /// with a one-line reason otherwise. Port 0 is allowed: the OS picks one and the daemon writes the bound address
    /// to the repo's <c>api</c> or <c>gateway</c> file. The config, the daemon and <c>p2p daemon</c>'s options all
    /// check endpoints here.
    /// </summary>
    public static bool TryParseEndpoint(string? text, out IPEndPoint? endPoint, out string? error, string example = "127.0.0.1:5001")
    {
        endPoint = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty";
            return false;
        }
        // IPEndPoint.TryParse alone takes a bare address (port 0); an endpoint must name its port.
        if (IPEndPoint.TryParse(text, out var parsed) && text.Contains(':', StringComparison.Ordinal))
        {
            endPoint = parsed;
            return true;
        }
        error = $"'{text}' is not an address:port such as {example}";
        return false;
    }

    /// <summary>Null when <paramref name="text"/> is an address:port (see <see cref="TryParseEndpoint"/>), else what is wrong.</summary>
    public static string? CheckEndpoint(string? text) => TryParseEndpoint(text, out _, out var error) ? null : error;

    /// <summary>Null when <paramref name="text"/> parses, else a phrase saying what it should be.</summary>
    public static string? Check(string? text) =>
        TryParse(text, out _, out _) ? null : $"'{text}' is not a host name or host:port such as p2p.example or p2p.example:443";
}
