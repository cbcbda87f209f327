namespace P2P.Node.Storage;

/// <summary>The <c>discovery</c> section of config.json: how the node finds peers besides its bootstrap list.</summary>
public sealed class RepoDiscovery
{
    /// <summary>
    /// LAN discovery over mDNS (docs/nat/lan-discovery.md). On by default; it only multicasts on the interfaces the
    /// node listens on, so a node on loopback (the default listen address) sends nothing.
    /// </summary>
    public bool Mdns { get; set; } = true;

    /// <summary>How often the node multicasts its mDNS query and announcement on each interface.</summary>
    public TimeSpan MdnsInterval { get; set; } = TimeSpan.FromSeconds(10);
}
