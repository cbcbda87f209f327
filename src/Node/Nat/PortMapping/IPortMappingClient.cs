namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// One port-mapping protocol spoken to one gateway. A failing or lying gateway is a <see cref="MappingAttempt.Failed"/>
/// value, never an exception; every call is bounded by the client's own timeouts.
/// </summary>
public interface IPortMappingClient
{
    /// <summary>The protocol's name as logs show it: "pcp", "nat-pmp", "upnp".</summary>
    string Method { get; }

    /// <summary>
    /// Asks for (or, given <paramref name="previous"/>, renews) a mapping of our <paramref name="internalPort"/>,
    /// preferring the same external port number.
    /// </summary>
    Task<MappingAttempt> MapAsync(MappedProtocol protocol, int internalPort, TimeSpan lifetime, PortMappingLease? previous, CancellationToken ct);

    /// <summary>Removes <paramref name="lease"/>; best effort (the lease expires anyway).</summary>
    Task DeleteAsync(PortMappingLease lease, CancellationToken ct);
}
