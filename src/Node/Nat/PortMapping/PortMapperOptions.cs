using System.Net;

namespace P2P.Node.Nat.PortMapping;

/// <summary>How <see cref="PortMapper"/> finds its gateway and how long it asks to keep a mapping.</summary>
public sealed class PortMapperOptions
{
    /// <summary>The gateway to ask; null (production) reads the default route's next hop.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>The gateway's PCP/NAT-PMP port; tests point it at a fake gateway on loopback.</summary>
    public int GatewayPort { get; init; } = PcpNatPmpClient.ServerPort;

    /// <summary>Our LAN address; null takes the node's bound address, or the one the kernel uses towards the gateway.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>The lifetime asked for: RFC 6886 §3.3's recommended two hours. Renewed at half the granted lifetime.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How long after a failure the gateway is asked again (it may have been rebooting, or had UPnP off).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Renewals never come sooner than this, whatever lifetime a gateway grants.</summary>
    public TimeSpan MinRenewInterval { get; init; } = TimeSpan.FromSeconds(30);

    public bool UsePcpNatPmp { get; init; } = true;

    public bool UseUpnp { get; init; } = true;
}
