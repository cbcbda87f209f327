namespace P2P.Node.Hosting.Discovery;

/// <summary>Bounds of LAN discovery (docs/nat/lan-discovery.md). The defaults suit a home or office LAN.</summary>
public sealed class LanDiscoveryOptions
{
    /// <summary>The mDNS port (RFC 6762 §3); only a test has reason to change it.</summary>
    public int Port { get; init; } = 5353;

    /// <summary>How often the node multicasts its query and its announcement on each interface.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The least time between two multicasts of our records on one interface (RFC 6762 §6: one second); queries
    /// that arrive sooner are answered once it has passed.
    /// </summary>
    public TimeSpan MinAnswerInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Peers remembered at most; the one heard from longest ago makes room for a new one.</summary>
    public int MaxPeers { get; init; } = 64;

    /// <summary>Dials started per second over all discovered peers (a token bucket with <see cref="DialBurst"/>).</summary>
    public double DialsPerSecond { get; init; } = 2;

    public int DialBurst { get; init; } = 4;

    /// <summary>Dials in flight at once.</summary>
    public int MaxConcurrentDials { get; init; } = 4;

    /// <summary>A discovered peer that is not connected is dialled again no sooner than this.</summary>
    public TimeSpan DialBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one dial (handshake and DHT ping) may take.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
