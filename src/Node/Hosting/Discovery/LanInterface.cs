using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace P2P.Node.Hosting.Discovery;

/// <summary>An IPv4 interface LAN discovery multicasts on: its kernel index, name, address and prefix.</summary>
public sealed record LanInterface(int Index, string Name, IPAddress Address, int PrefixLength)
{
    /// <summary>True when <paramref name="other"/> is on this interface's subnet (a peer we can reach without a router).</summary>
    public bool OnSubnet(IPAddress other)
    {
        if (other.AddressFamily != AddressFamily.InterNetwork || PrefixLength is < 0 or > 32)
            return false;
        var mask = PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);
        return (ToUInt32(other) & mask) == (ToUInt32(Address) & mask);
    }

    /// <summary>
    /// The interfaces a node listening on <paramref name="listen"/> multicasts on, out of <paramref name="all"/>:
    /// none for a loopback address (multicast there reaches no other host, and tests listen there: nothing leaves
    /// loopback); every interface for 0.0.0.0; the one that holds the address otherwise. IPv6 is not used yet.
    /// </summary>
    public static IReadOnlyList<LanInterface> ForListen(IPAddress listen, IReadOnlyList<LanInterface> all)
    {
        if (listen.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(listen))
            return [];
        if (listen.Equals(IPAddress.Any))
            return all;
        return all.Where(i => i.Address.Equals(listen)).ToList();
    }

    /// <summary>Interfaces of this host (this network namespace) that are up, multicast-capable, not loopback, with an IPv4 address.</summary>
    public static IReadOnlyList<LanInterface> Enumerate()
    {
        var found = new List<LanInterface>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || !nic.SupportsMulticast || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                continue;
            var properties = nic.GetIPProperties();
            var index = properties.GetIPv4Properties()?.Index ?? -1;
            if (index < 0)
                continue;
            foreach (var unicast in properties.UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                    found.Add(new LanInterface(index, nic.Name, unicast.Address, unicast.PrefixLength));
            }
        }
        return found;
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }
}
