namespace P2P.Node.Transport.Nat;

/// <summary>
/// Reaching peers behind NATs (docs/nat/): observed addresses, dial-back reachability checks, the relay service a
/// reachable node offers, the reservations an unreachable node keeps, and hole punching over relayed sessions.
/// The caps follow libp2p's circuit relay v2 in shape; the byte and time caps are higher because our relayed
/// sessions carry block transfers when hole punching fails (symmetric NATs), not only the punch itself.
/// </summary>
public sealed class NatOptions
{
    /// <summary>Distinct peers (at distinct addresses) that must report the same observed endpoint before we believe it.</summary>
    public int ObservedAddressQuorum { get; set; } = 2;

    /// <summary>Offer relaying to others while we are not known to be unreachable.</summary>
    public bool RelayService { get; set; } = true;

    /// <summary>Keep reservations on relays while we are unreachable, so others can reach us through them.</summary>
    public bool UseRelays { get; set; } = true;

    /// <summary>Relays an unreachable node keeps reservations on.</summary>
    public int MaxRelays { get; set; } = 2;

    /// <summary>Move relayed sessions to a direct path by simultaneous dials (DCUtR-style).</summary>
    public bool HolePunching { get; set; } = true;

    /// <summary>Hole-punch attempts per relayed session before it stays relayed.</summary>
    public int PunchAttempts { get; set; } = 3;

    /// <summary>Reservations a relay holds at most (one per peer).</summary>
    public int MaxReservations { get; set; } = 128;

    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Circuits a relay carries at most, and at most per peer (as either end).</summary>
    public int MaxCircuits { get; set; } = 64;

    public int MaxCircuitsPerPeer { get; set; } = 8;

    /// <summary>Bytes one circuit may carry (both directions) before the relay ends it.</summary>
    public long MaxCircuitBytes { get; set; } = 1L << 30;

    public TimeSpan MaxCircuitDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Relay requests (reserve, connect) and dial-back requests a peer may make per minute.</summary>
    public int RequestsPerMinute { get; set; } = 30;

    internal void Validate()
    {
        if (ObservedAddressQuorum < 1 || MaxRelays < 0 || PunchAttempts < 0 || MaxReservations < 0 || MaxCircuits < 0
            || MaxCircuitsPerPeer < 0 || MaxCircuitBytes < 0 || RequestsPerMinute < 1)
            throw new ArgumentOutOfRangeException(nameof(NatOptions), "NAT limits must not be negative");
    }
}
