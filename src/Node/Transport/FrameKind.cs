namespace P2P.Node.Transport;

/// <summary>First byte of every message on a connection: handshake steps, then sealed data.</summary>
internal enum FrameKind : byte
{
    Hello = 1,
    Reply = 2,
    Finish = 3,
    Data = 4,

    /// <summary>A sealed empty frame sent every keepalive interval: proof, which no spoofer can forge, that the peer is alive.</summary>
    Keepalive = 5,

    /// <summary>A sealed NAT control message (observed address, relay, dial-back, hole punch: Nat/ControlKind).</summary>
    Control = 6,
}
