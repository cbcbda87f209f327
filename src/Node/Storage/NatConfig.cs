namespace P2P.Node.Storage;

/// <summary>config.json's <c>nat</c> section: how the node gets through the NAT in front of it.</summary>
public sealed class NatConfig
{
    /// <summary>
    /// Ask the router for a port mapping (PCP/NAT-PMP, then UPnP IGD) so peers can dial the node from outside
    /// (docs/nat/port-mapping.md). On by default; a node listening on loopback never asks.
    /// </summary>
    public bool PortMapping { get; set; } = true;
}
