namespace P2P.Node.Hosting.Discovery;

/// <summary>One question of an mDNS message: a name and a record type (RFC 1035 §4.1.2; the class is not kept).</summary>
public readonly record struct MdnsQuestion(string Name, ushort Type);
