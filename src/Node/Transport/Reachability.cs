namespace P2P.Node.Transport;

/// <summary>Whether others can dial this node unasked (learned from dial-back probes, AutoNAT-style).</summary>
public enum Reachability
{
    Unknown,

    /// <summary>A probe from an address we never sent to reached us.</summary>
    Public,

    /// <summary>Peers sent probes and none arrived: a NAT or firewall stands in front of us.</summary>
    Private,
}
