using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// The IPv4 default route's next hop: where NAT-PMP and PCP requests go (RFC 6886 §3: "the client sends to its
/// default gateway"). On Linux it is read from /proc/net/route; elsewhere there is none and mapping is off.
/// </summary>
public static class DefaultGateway
{
    public const string RouteTable = "/proc/net/route";

    /// <summary>RTF_UP | RTF_GATEWAY in /proc/net/route's Flags column.</summary>
    private const int UpAndGateway = 0x3;

    /// <summary>The default gateway of this network namespace, or null when there is none or it cannot be read.</summary>
    public static IPAddress? Find()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            using var reader = new StreamReader(RouteTable);
            var text = new char[64 * 1024];
            var n = reader.ReadBlock(text, 0, text.Length);
            return Parse(new string(text, 0, n));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses /proc/net/route: the gateway of the up, gatewayed route with destination and mask 0 and the lowest
    /// metric. Addresses there are hex in host (little-endian) byte order. Lines that do not parse are skipped.
    /// </summary>
    public static IPAddress? Parse(string table)
    {
        IPAddress? best = null;
        var bestMetric = int.MaxValue;
        foreach (var line in table.Split('\n').Skip(1))
        {
            var f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8)
                continue;
            if (!uint.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway)
                || !int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || !int.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var metric)
                || !uint.TryParse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
                continue;
            if (destination != 0 || mask != 0 || gateway == 0 || (flags & UpAndGateway) != UpAndGateway || metric >= bestMetric)
                continue;
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, gateway);
            best = new IPAddress(bytes);
            bestMetric = metric;
        }
        return best;
    }

    /// <summary>
    /// The local address the kernel would send to <paramref name="gateway"/> from: a UDP socket is connected (which
    /// sends nothing) and its local end read.
    /// </summary>
    public static IPAddress LocalAddressTowards(IPAddress gateway)
    {
        using var probe = new Socket(gateway.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(new IPEndPoint(gateway, PcpNatPmpClient.ServerPort));
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}
