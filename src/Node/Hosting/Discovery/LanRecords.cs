using System.Net;
using System.Net.Sockets;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// What a p2p node says in mDNS, in the shape of libp2p's mDNS discovery (libp2p/specs discovery/mdns.md): a PTR
/// query for <see cref="ServiceName"/>; a response whose PTR answer names this node's instance
/// (<c>RANDOM._p2p._udp.local</c>) and whose TXT record lists its dialable addresses as
/// <c>dnsaddr=/ip4/A/udp/P/p2p/PEERID</c>, one string per address.
/// </summary>
public static class LanRecords
{
    public const string ServiceName = "_p2p._udp.local";

    /// <summary>Prefix of each TXT string that carries an address (libp2p's mDNS spec).</summary>
    public const string AddressPrefix = "dnsaddr=";

    /// <summary>Seconds peers may keep our records (RFC 6762 §10: 120 s for records naming a host's addresses).</summary>
    public const uint Ttl = 120;

    /// <summary>Addresses read from one message at most; the rest are ignored.</summary>
    public const int MaxAddressesPerMessage = 16;

    private const string NameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>The query every node multicasts at start and then periodically.</summary>
    public static byte[] Query() => MdnsWriter.Query(ServiceName, MdnsMessage.TypePtr);

    /// <summary>A fresh instance label: 32 random letters and digits, as libp2p's spec asks (it names no one).</summary>
    public static string NewInstanceLabel(Random random) =>
        string.Create(32, random, static (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = NameAlphabet[r.Next(NameAlphabet.Length)];
        });

    /// <summary>
    /// The response announcing <paramref name="self"/> at <paramref name="addresses"/> under the instance
    /// <paramref name="label"/>; a <paramref name="ttl"/> of 0 is the goodbye of RFC 6762 §10.1.
    /// </summary>
    public static byte[] Announcement(string label, PeerId self, IReadOnlyList<IPEndPoint> addresses, uint ttl = Ttl)
    {
        foreach (var address in addresses)
        {
            if (address.Address.Equals(IPAddress.Any) || address.Address.Equals(IPAddress.IPv6Any) || address.Port == 0)
                throw new ArgumentException($"{address} cannot be dialled and is never announced", nameof(addresses));
        }
        var instance = $"{label}.{ServiceName}";
        var texts = addresses.Select(a => AddressPrefix + Multiaddr.Format(a, self)).ToArray();
        return MdnsWriter.Response(
            [new MdnsRecord(ServiceName, MdnsMessage.TypePtr, ttl) { PtrTarget = instance }],
            [new MdnsRecord(instance, MdnsMessage.TypeTxt, ttl) { Texts = texts }]);
    }

    /// <summary>True when <paramref name="message"/> is a query for our service (PTR or ANY).</summary>
    public static bool AsksForPeers(MdnsMessage message) =>
        !message.IsResponse && message.Questions.Any(q =>
            SameName(q.Name, ServiceName) && q.Type is MdnsMessage.TypePtr or MdnsMessage.TypeAny);

    /// <summary>
    /// The peers a response announces: each <c>dnsaddr=</c> string of a TXT record owned by an instance of our
    /// service, parsed as an IPv4 or IPv6 UDP address that names its PeerId. <paramref name="rejected"/> counts
    /// the strings that were not such an address; <paramref name="goodbye"/> is true when the TXT's TTL is zero.
    /// Other records (other services on the LAN: printers, speakers) are ignored.
    /// </summary>
    public static IReadOnlyList<Multiaddr> Addresses(MdnsMessage message, out int rejected, out bool goodbye)
    {
        var found = new List<Multiaddr>();
        (rejected, goodbye) = (0, false);
        if (!message.IsResponse)
            return found;
        foreach (var record in message.Records)
        {
            if (record.Texts is not { } texts || !IsInstanceOfService(record.Name))
                continue;
            goodbye |= record.Ttl == 0;
            foreach (var text in texts)
            {
                if (!text.StartsWith(AddressPrefix, StringComparison.Ordinal))
                    continue;
                if (found.Count == MaxAddressesPerMessage)
                    return found;
                if (Multiaddr.TryParse(text[AddressPrefix.Length..], out var address, out _) && address!.PeerId is not null
                    && address.EndPoint.Port != 0 && IsUnicast(address.EndPoint.Address))
                    found.Add(address);
                else
                    rejected++;
            }
        }
        return found;
    }

    private static bool IsInstanceOfService(string name) =>
        name.Length > ServiceName.Length + 1
        && name.EndsWith(ServiceName, StringComparison.OrdinalIgnoreCase)
        && name[^(ServiceName.Length + 1)] == '.';

    private static bool SameName(string a, string b) => string.Equals(a.TrimEnd('.'), b, StringComparison.OrdinalIgnoreCase);

    private static bool IsUnicast(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.Broadcast) && (address.GetAddressBytes()[0] & 0xF0) != 0xE0,
        AddressFamily.InterNetworkV6 => !address.Equals(IPAddress.IPv6Any) && !address.IsIPv6Multicast,
        _ => false,
    };
}
