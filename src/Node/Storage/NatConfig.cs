namespace P2P.Node.Storage;

/// <summary>config.json's <c>nat</c> section: how the node gets through the NAT in front of it.</summary>
public sealed class NatConfig
{
    /// <summary>
    /// Ask the router for a port mapping (PCP/NAT-PMP, then UPnP IGD) so peers can dial the node from outside
    /// (docs/nat/port-mapping.md). On by default; a node listening on loopback never asks.
    /// </summary>
    public bool PortMapping { get; set; } = true;

    /// <summary>Offer a bounded relay service to peers behind NATs while this node is not known to be unreachable.</summary>
    public bool RelayService { get; set; } = true;

    /// <summary>While unreachable, keep reservations on relays and advertise relayed addresses.</summary>
    public bool UseRelays { get; set; } = true;

    /// <summary>Move relayed sessions to direct ones by hole punching.</summary>
    public bool HolePunching { get; set; } = true;
}
