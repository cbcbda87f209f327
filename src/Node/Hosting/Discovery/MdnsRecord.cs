namespace P2P.Node.Hosting.Discovery;

/// <summary>
/// One resource record of an mDNS message (RFC 1035 §4.1.3). Only the two types LAN discovery reads are decoded:
/// a PTR's target name, a TXT's strings (RFC 6763 §6); any other type keeps just its name, type and TTL.
/// </summary>
public sealed record MdnsRecord(string Name, ushort Type, uint Ttl)
{
    /// <summary>The name a PTR record points to; null for other types.</summary>
    public string? PtrTarget { get; init; }

    /// <summary>The character-strings of a TXT record, decoded as UTF-8; null for other types.</summary>
    public IReadOnlyList<string>? Texts { get; init; }
}
