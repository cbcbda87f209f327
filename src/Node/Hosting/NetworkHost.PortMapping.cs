using System.Net;
using Microsoft.Extensions.Logging;
using P2P.Node.Nat.PortMapping;

namespace P2P.Node.Hosting;

/// <summary>The node's port mapping on its home router (issue 13, item 5): started with the node, deleted at stop.</summary>
public sealed partial class NetworkHost
{
    /// <summary>The mapper, or null when <see cref="NetworkHostOptions.PortMapping"/> is off.</summary>
    public PortMapper? PortMapper { get; private set; }

    /// <summary>The external UDP endpoint the router forwards to this node's port, to advertise; null while there is none.</summary>
    public IPEndPoint? MappedAddress => PortMapper?.MappedAddress;

    /// <summary>Asks for the UDP port and, with the bulk path on, the TCP port of the same number (see BulkPath).</summary>
    private void StartPortMapping(ILoggerFactory loggers)
    {
        if (_options.PortMapping is not { } options)
            return;
        var bound = Transport.LocalEndPoint;
        PortMapper = PortMapper.Create(options, bound.Address, bound.Port, _options.Transport.BulkTransport ? bound.Port : null, _options.Time, loggers);
        // The reachability check asks for its probe at the mapped port: a mapping that works makes the node public.
        PortMapper.MappedAddressChanged += mapped => Transport.Nat.MappedEndPoint = mapped;
        PortMapper.Start();
    }

    private async ValueTask StopPortMappingAsync()
    {
        if (PortMapper is not null)
            await PortMapper.DisposeAsync();
    }
}
