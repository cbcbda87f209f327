namespace P2P.Node.Nat.PortMapping;

/// <summary>What one protocol's attempt gave: a lease, or why there is none (a gateway that does not speak it, a refusal, a timeout).</summary>
public readonly record struct MappingAttempt(PortMappingLease? Lease, string? Failure)
{
    public static MappingAttempt Ok(PortMappingLease lease) => new(lease, null);

    public static MappingAttempt Failed(string reason) => new(null, reason);
}
