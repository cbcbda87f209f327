using System.Net;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// A mapping a gateway granted: <see cref="External"/> on the gateway forwards to our <see cref="InternalPort"/> until
/// <see cref="Lifetime"/> runs out. <see cref="Nonce"/> is PCP's mapping nonce (RFC 6887 §11.1), kept so a renewal or
/// delete names the same mapping; empty for the other protocols.
/// </summary>
public sealed record PortMappingLease(string Method, MappedProtocol Protocol, int InternalPort, IPEndPoint External, TimeSpan Lifetime, byte[] Nonce)
{
    public override string ToString() => $"{Method} {Protocol.ToString().ToLowerInvariant()} {External} -> :{InternalPort} for {Lifetime.TotalSeconds:0} s";
}
