namespace P2P.Node.Transport;

/// <summary>Why the transport discarded a packet or a connection attempt. Each is counted and logged once.</summary>
public enum DropReason
{
    /// <summary>A frame too short or of an unknown kind.</summary>
    MalformedFrame,

    /// <summary>A frame larger than the configured message limit.</summary>
    Oversized,

    /// <summary>A sealed frame whose counter was already received or is too old.</summary>
    Replayed,

    /// <summary>A sealed frame whose tag did not verify.</summary>
    Forged,

    /// <summary>A handshake message that failed checks (bad signature, unexpected peer, no common suite…).</summary>
    HandshakeFailed,

    /// <summary>A handshake that did not finish in time.</summary>
    HandshakeTimeout,

    /// <summary>Data that arrived before the handshake finished, beyond what the transport buffers.</summary>
    EarlyData,

    /// <summary>A message for which the inbound queue had no room.</summary>
    InboundQueueFull,

    /// <summary>A connection attempt over the per-address rate.</summary>
    RateLimited,

    /// <summary>A connection attempt refused because the peer limit was reached.</summary>
    TooManyPeers,

    /// <summary>A connection attempt refused because too many handshakes were pending.</summary>
    TooManyPendingHandshakes,

    /// <summary>A connection request with the wrong protocol key.</summary>
    BadConnectionKey,

    /// <summary>
    /// A LiteNetLib control packet (connect request, disconnect, "peer not found", connect accept) for an endpoint with
    /// an authenticated session that the session did not vouch for: a spoofed or replayed datagram (see SessionGuard).
    /// </summary>
    SpoofedControl,
}
