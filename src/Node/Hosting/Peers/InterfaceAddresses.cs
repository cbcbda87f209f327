using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace P2P.Node.Hosting.Peers;

/// <summary>Never advertise an unspecified address: what a wildcard bind really listens on.</summary>
public static class InterfaceAddresses
{
    /// <summary>Where a socket bound to <paramref name="bound"/> can be reached: that address, or for 0.0.0.0 each interface's IPv4 address (loopback last).</summary>
    public static IReadOnlyList<IPAddress> For(IPAddress bound)
    {
        if (!bound.Equals(IPAddress.Any))
            return [bound];
        var found = new List<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus == OperationalStatus.Down)
                    continue;
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork)
                        found.Add(unicast.Address);
                }
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list (a locked-down container): loopback is all we can name.
        }
        var ordered = found.Distinct().OrderBy(a => IPAddress.IsLoopback(a) ? 1 : 0).ToList();
        return ordered.Count > 0 ? ordered : [IPAddress.Loopback];
    }
}
