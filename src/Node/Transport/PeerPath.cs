namespace P2P.Node.Transport;

/// <summary>How a session's packets travel.</summary>
public enum PeerPath
{
    /// <summary>Straight between the two nodes, dialled at an address one of them listens on.</summary>
    Direct,

    /// <summary>Straight between the two nodes through NAT mappings both opened by dialling at once.</summary>
    HolePunched,

    /// <summary>Through a relay, which forwards the end-to-end encrypted packets and can read none of them.</summary>
    Relayed,
}
