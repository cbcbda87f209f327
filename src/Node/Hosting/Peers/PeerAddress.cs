using System.Globalization;
using System.Net;
using System.Net.Sockets;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Peers;

/// <summary>
/// A UDP endpoint with an optional PeerId, written as a multiaddr: <c>/ip4/127.0.0.1/udp/4001/p2p/&lt;PeerId&gt;</c>
/// (multiformats/multiaddr; <c>/ip6/…</c> for IPv6).
/// </summary>
public sealed record PeerAddress(IPEndPoint EndPoint, PeerId? PeerId)
{
    /// <summary>Parses a multiaddr; false with a one-line reason when it is not one p2p can dial.</summary>
    public static bool TryParse(string? text, out PeerAddress? address, out string? error)
    {
        address = null;
        var parts = (text ?? "").Split('/');
        if (parts.Length is not (5 or 7) || parts[0].Length != 0)
        {
            error = $"'{text}' is not of the form /ip4/<address>/udp/<port>[/p2p/<PeerId>]";
            return false;
        }
        var family = parts[1] switch
        {
            "ip4" => AddressFamily.InterNetwork,
            "ip6" => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown || !IPAddress.TryParse(parts[2], out var ip) || ip.AddressFamily != family)
        {
            error = $"'{text}' does not start with /ip4/<IPv4 address> or /ip6/<IPv6 address>";
            return false;
        }
        if (parts[3] != "udp" || !ushort.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            error = $"'{text}' must continue with /udp/<port 0-65535>";
            return false;
        }
        PeerId? peer = null;
        if (parts.Length == 7)
        {
            if (parts[5] != "p2p")
            {
                error = $"'{text}' may only end with /p2p/<PeerId>";
                return false;
            }
            if (!Multiformats.PeerId.TryParse(parts[6], out peer, out var peerError))
            {
                error = $"'{parts[6]}' in '{text}' is not a PeerId: {peerError}";
                return false;
            }
        }
        address = new PeerAddress(new IPEndPoint(ip, port), peer);
        error = null;
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the one-line reason.</summary>
    public static PeerAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address! : throw new FormatException(error);

    /// <summary>The address of <paramref name="peer"/> at <paramref name="endPoint"/>.</summary>
    public static string Format(IPEndPoint endPoint, PeerId? peer)
    {
        var family = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip4";
        var text = string.Create(CultureInfo.InvariantCulture, $"/{family}/{endPoint.Address}/udp/{endPoint.Port}");
        return peer is null ? text : $"{text}/p2p/{peer}";
    }

    public override string ToString() => Format(EndPoint, PeerId);
}
