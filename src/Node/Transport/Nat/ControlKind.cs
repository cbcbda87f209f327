namespace P2P.Node.Transport.Nat;

/// <summary>The NAT control messages two peers exchange inside a session (sealed, as frame kind Control).</summary>
internal enum ControlKind : byte
{
    /// <summary>"I see you at this endpoint" (libp2p identify's observed address), sent when a session opens.</summary>
    Observed = 1,

    /// <summary>Asks a relay to keep a reservation, so others can reach us through it.</summary>
    Reserve = 2,

    /// <summary>The relay's answer: granted for so many seconds, or refused with a reason.</summary>
    ReserveReply = 3,

    /// <summary>Asks a relay for a circuit to a peer holding a reservation there.</summary>
    Connect = 4,

    /// <summary>The relay's answer to the dialler: a circuit id and where the relay sees the target, or a refusal.</summary>
    ConnectReply = 5,

    /// <summary>The relay tells the target of a new circuit: its id, who opens it and where the relay sees them.</summary>
    CircuitOffer = 6,

    /// <summary>Asks a peer to send a probe to the endpoint it sees us at, from a socket we never sent to.</summary>
    DialBack = 7,

    /// <summary>Whether the dial-back probe was sent.</summary>
    DialBackReply = 8,

    /// <summary>Hole punching over a relayed session: a round-trip measurement (answered with <see cref="PunchPong"/>).</summary>
    PunchPing = 9,

    PunchPong = 10,

    /// <summary>Hole punching: "dial me now"; the sender dials half a round trip later, so both dials cross the NATs together.</summary>
    PunchSync = 11,

    /// <summary>The relay closed a circuit (a cap, or the other end left): the end drops its session over it at once.</summary>
    CircuitClosed = 12,
}
