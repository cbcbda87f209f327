using P2P.Node.Security;
using P2P.Node.Transport.Nat;

namespace P2P.Node.Transport;

/// <summary>
/// Settings of <see cref="LiteNetTransport"/>. Defaults follow docs/TRANSPORT.md: a 1 ms logic tick, 1432-byte MTU
/// and 16 channels move 256 KiB messages at hundreds of MB/s on loopback (LiteNetLib's own defaults: ~4 MB/s).
/// </summary>
public sealed class TransportOptions
{
    /// <summary>Channels per connection (1-64); both ends must agree, LiteNetLib drops data on extra channels.</summary>
    public int ChannelCount { get; set; } = 16;

    /// <summary>
    /// What <see cref="MaxMessageSize"/> starts at: a 2 MiB block and 512 bytes of envelope. The wire layer above
    /// owns the real figure (its <c>WireLimits.MaxAnyMessageSize</c>; a test keeps the two equal), since the
    /// transport must not reach up for it.
    /// </summary>
    public const int DefaultMaxMessageSize = (2 << 20) + 512;

    /// <summary>Largest plaintext message sent or accepted.</summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Authenticated plus handshaking peers at most.</summary>
    public int MaxPeers { get; set; } = 256;

    /// <summary>Inbound handshakes in progress at most (a cap on half-open state).</summary>
    public int MaxPendingHandshakes { get; set; } = 64;

    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connection attempts accepted per remote address per second (burst: the same number).</summary>
    public int ConnectionAttemptsPerSecond { get; set; } = 100;

    /// <summary>Messages the transport holds for the application before dropping new ones.</summary>
    public int InboundQueueCapacity { get; set; } = 4096;

    /// <summary>Packets queued on one channel before a send waits (back-pressure; LiteNetLib's queue is unbounded).</summary>
    public int SendQueuePackets { get; set; } = 1024;

    /// <summary>Data frames buffered per peer while its handshake finishes (they may overtake the last handshake message on another channel).</summary>
    public int MaxEarlyFrames { get; set; } = 64;

    /// <summary>Suites we offer and accept; None means every suite this process supports.</summary>
    public CipherSuite CipherSuites { get; set; } = CipherSuite.None;

    /// <summary>LiteNetLib's connection-request key: filters other protocols, not a secret.</summary>
    public string ConnectionKey { get; set; } = "p2p/1";

    /// <summary>LiteNetLib's logic tick in milliseconds while reliable traffic flows: queued data and acks leave on it.</summary>
    public int UpdateTimeMilliseconds { get; set; } = 1;

    /// <summary>
    /// The logic tick once no reliable packet has come in for <see cref="LogicPace.Quiet"/> (pings, keepalives and
    /// resend checks then run on it; the first reliable packet brings back <see cref="UpdateTimeMilliseconds"/> at
    /// once). The 1 ms tick cost an idle daemon 1,000 wake-ups a second, most of its idle CPU (docs/perf/fetch-path.md,
    /// "Idle CPU"); 25 ms is LiteNetLib's own resend delay (25 ms + 2.1 RTT), so a lost packet is resent at most one
    /// delay late.
    /// </summary>
    public int IdleUpdateTimeMilliseconds { get; set; } = 25;

    public int MtuOverride { get; set; } = 1432;

    /// <summary>Milliseconds of silence before LiteNetLib declares a peer gone.</summary>
    public int DisconnectTimeoutMilliseconds { get; set; } = 10_000;

    /// <summary>
    /// Carry large messages on a TCP stream bound to the session, beside LiteNetLib (docs/TRANSPORT.md: LiteNetLib
    /// tops out at a few hundred MB/s on an idle machine and far less under CPU contention; TCP's reliability runs
    /// in the kernel). The listener uses the UDP port's number on TCP.
    /// </summary>
    public bool BulkTransport { get; set; } = true;

    /// <summary>
    /// Channels from this one up move to the bulk stream once it is bound (and the channel's UDP queue has drained,
    /// so each channel stays in order); lower channels always use LiteNetLib, for small latency-sensitive messages
    /// that should not queue behind blocks in one TCP stream.
    /// </summary>
    public int BulkFirstChannel { get; set; } = 1;

    /// <summary>Observed addresses, reachability, relays and hole punching.</summary>
    public NatOptions Nat { get; set; } = new();

    internal void Validate()
    {
        Nat.Validate();
        if (ChannelCount is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(ChannelCount), ChannelCount, "must be 1-64");
        if (MaxMessageSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "must be positive");
        if (MaxPeers < 1 || MaxPendingHandshakes < 1 || InboundQueueCapacity < 1 || SendQueuePackets < 1 || ConnectionAttemptsPerSecond < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPeers), "limits must be positive");
        if (UpdateTimeMilliseconds < 1 || IdleUpdateTimeMilliseconds < UpdateTimeMilliseconds)
            throw new ArgumentOutOfRangeException(nameof(IdleUpdateTimeMilliseconds), IdleUpdateTimeMilliseconds, "ticks must be positive, the idle one no shorter");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "must be positive");
    }
}
