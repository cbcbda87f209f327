using System.Net;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// Checks the address strings of config.json: UDP multiaddrs (<c>/ip4/A/udp/P</c>, <c>/ip6/A/udp/P</c>, with an
/// optional <c>/p2p/PeerId</c>) and host:port endpoints. Only syntax: transport code does the real parsing.
/// </summary>
internal static class AddressSyntax
{
    /// <summary>Null when <paramref name="text"/> is a well-formed UDP multiaddr; otherwise what is wrong.</summary>
    public static string? CheckUdpMultiaddr(string? text, bool requirePeerId)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "is empty";
        var parts = text.Split('/');
        if (parts[0].Length != 0 || parts.Length is not (5 or 7))
            return requirePeerId
                ? $"'{text}' is not of the form /ip4/<address>/udp/<port>/p2p/<PeerId>"
                : $"'{text}' is not of the form /ip4/<address>/udp/<port>";
        var family = parts[1] switch
        {
            "ip4" => System.Net.Sockets.AddressFamily.InterNetwork,
            "ip6" => System.Net.Sockets.AddressFamily.InterNetworkV6,
            _ => (System.Net.Sockets.AddressFamily?)null,
        };
        if (family is null)
            return $"'{text}' must start with /ip4 or /ip6";
        if (!IPAddress.TryParse(parts[2], out var address) || address.AddressFamily != family)
            return $"'{parts[2]}' in '{text}' is not an {parts[1]} address";
        if (parts[3] != "udp")
            return $"'{text}' must use udp (p2p runs over UDP)";
        if (!ushort.TryParse(parts[4], out _))
            return $"port '{parts[4]}' in '{text}' is not a number from 0 to 65535";
        if (parts.Length == 7)
        {
            if (parts[5] != "p2p")
                return $"'{text}' may only end with /p2p/<PeerId>";
            if (!IsPeerId(parts[6]))
                return $"'{parts[6]}' in '{text}' is not a PeerId";
        }
        else if (requirePeerId)
        {
            return $"'{text}' lacks /p2p/<PeerId>";
        }
        return null;
    }

    /// <summary>
    /// Null when <paramref name="text"/> is an IP address and port such as 127.0.0.1:5001. Port 0 is allowed: the OS
    /// picks one and the daemon writes the bound address to the repo's <c>api</c> or <c>gateway</c> file.
    /// </summary>
    public static string? CheckEndpoint(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "is empty";
        return IPEndPoint.TryParse(text, out _) && text.Contains(':', StringComparison.Ordinal)
            ? null
            : $"'{text}' is not an address:port such as 127.0.0.1:5001";
    }

    /// <summary>A PeerId as libp2p prints it: a base58btc multihash, or a CIDv1 with the libp2p-key codec.</summary>
    private static bool IsPeerId(string text)
    {
        if (text.Length is 0 or > 128)
            return false;
        var bytes = Multibase.TryDecodeBase58(text);
        if (bytes is not null && Multihash.TryRead(bytes, out _, out var consumed, out _) && consumed == bytes.Length)
            return true;
        return Cid.TryParse(text, out var cid, out _) && cid!.Codec == Multicodec.Libp2pKey;
    }
}
