using System.Net;
using System.Net.Sockets;

namespace P2P.Dht.Routing;

/// <summary>Groups addresses for the IP-diversity limit: IPv4 by /24, IPv6 by /48.</summary>
internal static class Subnet
{
    /// <summary>A grouping key, or null when the address is exempt (loopback).</summary>
    public static ulong? Of(IPEndPoint endPoint)
    {
        var address = endPoint.Address;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return null;
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written)) return null;
        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
            return (1UL << 56) | ((ulong)bytes[0] << 16) | ((ulong)bytes[1] << 8) | bytes[2];
        ulong key = 2UL << 56;
        for (var i = 0; i < 6; i++) key |= (ulong)bytes[i] << (8 * (5 - i));
        return key;
    }
}
