namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// IPIP-484's <c>?filter-addrs=</c> and <c>?filter-protocols=</c> (specs.ipfs.tech/routing/http-routing-v1): a
/// record passes when one of its Protocols is named (<c>unknown</c> lets a record without any through), and keeps
/// only the addresses that contain no <c>!name</c> protocol and, when positive names are given, at least one of
/// them; a record left without addresses is dropped unless <c>unknown</c> is named and it had none to begin with.
/// Names compare case-insensitively, as in boxo's filters.
/// </summary>
public sealed class RoutingFilter
{
    /// <summary>Multiaddr protocols that carry no value: after one of these the next segment is another protocol.</summary>
    private static readonly HashSet<string> Valueless = new(StringComparer.OrdinalIgnoreCase)
    {
        "p2p-circuit", "quic", "quic-v1", "webtransport", "webrtc", "webrtc-direct", "ws", "wss", "tls", "noise", "http", "https", "utp", "udt",
    };

    private readonly string[] _positive;
    private readonly string[] _negative;
    private readonly string[] _protocols;
    private readonly bool _unknownAddrs;

    private RoutingFilter(string[] addrs, string[] protocols)
    {
        _positive = addrs.Where(a => !a.StartsWith('!')).ToArray();
        _negative = addrs.Where(a => a.StartsWith('!')).Select(a => a[1..]).ToArray();
        _unknownAddrs = addrs.Contains("unknown", StringComparer.OrdinalIgnoreCase);
        _protocols = protocols;
    }

    /// <summary>No filter: every record passes unchanged.</summary>
    public static readonly RoutingFilter None = new([], []);

    /// <summary>The filter the two query parameters ask for (comma-separated lists; empty or absent: no filter).</summary>
    public static RoutingFilter Parse(string? filterAddrs, string? filterProtocols)
    {
        static string[] List(string? text) => string.IsNullOrEmpty(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (addrs, protocols) = (List(filterAddrs), List(filterProtocols));
        return addrs.Length == 0 && protocols.Length == 0 ? None : new RoutingFilter(addrs, protocols);
    }

    /// <summary>The record as the filter leaves it, or null when the filter drops it.</summary>
    public PeerRecord? Apply(PeerRecord record)
    {
        if (_protocols.Length > 0 && !ProtocolsAllowed(record.Protocols))
            return null;
        if (_positive.Length == 0 && _negative.Length == 0 || record.Addrs.Count == 0 && _unknownAddrs)
            return record;
        var kept = record.Addrs.Where(AddressAllowed).ToArray();
        return kept.Length == 0 ? null : record with { Addrs = kept };
    }

    private bool ProtocolsAllowed(IReadOnlyList<string> protocols)
    {
        foreach (var wanted in _protocols)
        {
            if (string.Equals(wanted, "unknown", StringComparison.OrdinalIgnoreCase) && protocols.Count == 0)
                return true;
            if (protocols.Contains(wanted, StringComparer.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    private bool AddressAllowed(string address)
    {
        var names = ProtocolNames(address);
        if (_negative.Any(n => names.Contains(n, StringComparer.OrdinalIgnoreCase)))
            return false;
        return _positive.Length == 0 || _positive.Any(p => names.Contains(p, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The protocol names of a multiaddr in text form: /ip4/1.2.3.4/udp/5/p2p/Q/p2p-circuit → ip4, udp, p2p, p2p-circuit.</summary>
    internal static List<string> ProtocolNames(string address)
    {
        var names = new List<string>();
        var parts = address.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            names.Add(parts[i]);
            if (!Valueless.Contains(parts[i]))
                i++;
        }
        return names;
    }
}
