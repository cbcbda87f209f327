namespace P2P.Node.Nat.PortMapping;

/// <summary>The transport protocol of a port mapping: the node's UDP port, and the TCP bulk port beside it.</summary>
public enum MappedProtocol
{
    Udp,
    Tcp,
}
