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
/// A relayed address (circuit relay v2's form) names the relay's endpoint and the peer behind it:
/// <c>/ip4/R/udp/P/p2p/&lt;Relay&gt;/p2p-circuit/p2p/&lt;PeerId&gt;</c>; its <see cref="EndPoint"/> is the relay's.
public sealed record Multiaddr(IPEndPoint EndPoint, PeerId? PeerId)
{
    /// <summary>True for a relayed address: packets go to <see cref="EndPoint"/>, the relay, for <see cref="PeerId"/>.</summary>
    public bool IsCircuit { get; init; }

    /// <summary>The relay's PeerId in a relayed address, when it names one.</summary>
    public PeerId? RelayPeerId { get; init; }

    /// <summary>The relayed address of <paramref name="peer"/> through the relay <paramref name="relay"/> at <paramref name="relayEndPoint"/>.</summary>
    public static Multiaddr Circuit(IPEndPoint relayEndPoint, PeerId? relay, PeerId peer) =>
        new(relayEndPoint, peer) { IsCircuit = true, RelayPeerId = relay };

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
        error = Read(text, requirePeerId, out var endPoint, out var peer, out var relay, out var circuit);
        if (error is not null)
            return false;
        address = new Multiaddr(endPoint!, peer) { IsCircuit = circuit, RelayPeerId = relay };
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
        string.IsNullOrWhiteSpace(text) ? "is empty" : Read(text, requirePeerId, out _, out _, out _, out _);

    /// <summary>The multiaddr of <paramref name="peer"/> (when given) at <paramref name="endPoint"/>.</summary>
    public static string Format(IPEndPoint endPoint, PeerId? peer)
    {
        var family = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip4";
        var text = string.Create(CultureInfo.InvariantCulture, $"/{family}/{endPoint.Address}/udp/{endPoint.Port}");
        return peer is null ? text : $"{text}/p2p/{peer}";
    }

    public override string ToString() =>
        IsCircuit ? $"{Format(EndPoint, RelayPeerId)}/p2p-circuit/p2p/{PeerId}" : Format(EndPoint, PeerId);

    private static string? Read(string? text, bool requirePeerId, out IPEndPoint? endPoint, out PeerId? peer, out PeerId? relay, out bool circuit)
    {
        endPoint = null;
        peer = null;
        relay = null;
        circuit = false;
        if (string.IsNullOrWhiteSpace(text))
            return "empty multiaddr";
        var at = text.IndexOf("/p2p-circuit", StringComparison.Ordinal);
        if (at >= 0)
        {
            // The relay's part, then /p2p-circuit/p2p/<PeerId> for the peer behind it.
            var tail = text[(at + "/p2p-circuit".Length)..].Split('/');
            if (tail.Length != 3 || tail[0].Length != 0 || tail[1] != "p2p")
                return $"'{text}' must end /p2p-circuit/p2p/<PeerId>";
            if (!Multiformats.PeerId.TryParse(tail[2], out peer, out var targetError))
                return $"'{tail[2]}' in '{text}' is not a PeerId: {targetError}";
            var target = peer;
            var relayError = Read(text[..at], requirePeerId: false, out endPoint, out relay, out _, out var nested);
            if (relayError is not null || nested)
                return relayError ?? $"'{text}' names more than one circuit";
            peer = target;
            circuit = true;
            return null;
        }
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
