using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace P2P.Node.Multiformats;

/// <summary>
/// A peer's UDP endpoint and, when known, its PeerId, written as a multiaddr (multiformats/multiaddr):
/// <c>/ip4/127.0.0.1/udp/4001/p2p/&lt;PeerId&gt;</c>, <c>/ip6/::1/udp/4001</c>. The node's one record for "a peer
/// and where to reach it": config entries, <c>swarm connect</c> arguments, bootstrap lists, the saved peer table and
/// the providers the exchange dials all use it. Only the subset p2p can dial is accepted (ip4 or ip6, then udp).
/// </summary>
public sealed record Multiaddr(IPEndPoint EndPoint, PeerId? PeerId)
{
    /// <summary>Parses a multiaddr; false with a one-line reason when it is not one p2p can dial.</summary>
    public static bool TryParse(string? text, out Multiaddr? address, out string? error) =>
        TryParse(text, requirePeerId: false, out address, out error);

    /// <summary>
    /// Parses a multiaddr that must (<paramref name="requirePeerId"/>) or may end in <c>/p2p/&lt;PeerId&gt;</c>;
    /// false with a one-line reason naming the part that is wrong.
    /// </summary>
    public static bool TryParse(string? text, bool requirePeerId, out Multiaddr? address, out string? error)
    {
        address = null;
        error = Read(text, requirePeerId, out var endPoint, out var peer);
        if (error is not null)
            return false;
        address = new Multiaddr(endPoint!, peer);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the one-line reason.</summary>
    public static Multiaddr Parse(string text) =>
        TryParse(text, out var address, out var error) ? address! : throw new FormatException(error);

    /// <summary>
    /// Null when <paramref name="text"/> is a multiaddr p2p can dial; otherwise a phrase to follow a field name
    /// ("listen is empty", "bootstrap entry '…' lacks /p2p/&lt;PeerId&gt;").
    /// </summary>
    public static string? Check(string? text, bool requirePeerId) =>
        string.IsNullOrWhiteSpace(text) ? "is empty" : Read(text, requirePeerId, out _, out _);

    /// <summary>The multiaddr of <paramref name="peer"/> (when given) at <paramref name="endPoint"/>.</summary>
    public static string Format(IPEndPoint endPoint, PeerId? peer)
    {
        var family = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip4";
        var text = string.Create(CultureInfo.InvariantCulture, $"/{family}/{endPoint.Address}/udp/{endPoint.Port}");
        return peer is null ? text : $"{text}/p2p/{peer}";
    }

    public override string ToString() => Format(EndPoint, PeerId);

    private static string? Read(string? text, bool requirePeerId, out IPEndPoint? endPoint, out PeerId? peer)
    {
        endPoint = null;
        peer = null;
        if (string.IsNullOrWhiteSpace(text))
            return "empty multiaddr";
        var parts = text.Split('/');
        if (parts[0].Length != 0 || parts.Length is not (5 or 7))
            return requirePeerId
                ? $"'{text}' is not of the form /ip4/<address>/udp/<port>/p2p/<PeerId>"
                : $"'{text}' is not of the form /ip4/<address>/udp/<port>[/p2p/<PeerId>]";
        var family = parts[1] switch
        {
            "ip4" => AddressFamily.InterNetwork,
            "ip6" => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unknown,
        };
        if (family == AddressFamily.Unknown)
            return $"'{text}' must start with /ip4 or /ip6";
        if (!IPAddress.TryParse(parts[2], out var ip) || ip.AddressFamily != family)
            return $"'{parts[2]}' in '{text}' is not an {parts[1]} address";
        if (parts[3] != "udp")
            return $"'{text}' must use udp (p2p runs over UDP)";
        if (!ushort.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return $"port '{parts[4]}' in '{text}' is not a number from 0 to 65535";
        if (parts.Length == 7)
        {
            if (parts[5] != "p2p")
                return $"'{text}' may only end with /p2p/<PeerId>";
            if (!Multiformats.PeerId.TryParse(parts[6], out peer, out var peerError))
                return $"'{parts[6]}' in '{text}' is not a PeerId: {peerError}";
        }
        else if (requirePeerId)
        {
            return $"'{text}' lacks /p2p/<PeerId>";
        }
        endPoint = new IPEndPoint(ip, port);
        return null;
    }
}
