using P2P.Node.Storage;

namespace P2P.Node.Exchange;

/// <summary>Limits and timings of <see cref="BlockExchange"/>. Defaults suit loopback and LAN swarms of 256 KiB blocks.</summary>
public sealed class ExchangeOptions
{
    /// <summary>Peers one fetch session asks at once (providers found beyond this are not dialled).</summary>
    public int MaxPeers { get; set; } = 32;

    /// <summary>Upper bound of the per-peer request window (want-blocks outstanding at one peer).</summary>
    public int MaxInFlightPerPeer { get; set; } = 32;

    /// <summary>Lower bound of the window, so a slow or new peer still has a request queued behind the one in transit.</summary>
    public int MinInFlightPerPeer { get; set; } = 2;

    /// <summary>Window of a peer whose bandwidth has not been measured yet.</summary>
    public int InitialInFlightPerPeer { get; set; } = 8;

    /// <summary>
    /// Latency allowance added to a peer's measured round trip when sizing its window (bandwidth × (RTT + slack)):
    /// covers scheduling jitter and GC pauses, which on loopback dwarf the network RTT. Measured on a loaded 2-core
    /// machine (docs/EXCHANGE.md): 50 ms left peers capped at 10 MB/s idle between requests; 200 ms keeps them busy.
    /// </summary>
    public TimeSpan WindowSlack { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Want-blocks from one peer that we queue for serving; more are dropped and counted.</summary>
    public int MaxServeQueuePerPeer { get; set; } = 128;

    /// <summary>Upload cap of the whole node in bytes per second; 0 means unlimited.</summary>
    public long UploadBytesPerSecond { get; set; }

    /// <summary>A peer with requests outstanding that delivers nothing for this long is scored down and dropped from the fetch.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A wanted block that no peer could be asked for during this long fails with <see cref="BlockNotFoundException"/>.</summary>
    public TimeSpan NotFoundTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two provider searches of one session.</summary>
    public TimeSpan ProviderSearchInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Endgame: a request older than twice its expected time plus this delay is also sent to a second peer. The same
    /// allowance as <see cref="WindowSlack"/>, for the same reason: on a loaded machine a process waits 100 ms and
    /// more for a core, and with 50 ms four uncapped providers at load 70 still sent 58-64 blocks of 1031 twice
    /// (docs/perf/multi-provider.md, second pass); a peer that is truly slow is caught by the other rule (the block
    /// would arrive elsewhere in half the time), one that stopped by <see cref="StallTimeout"/>.
    /// </summary>
    public TimeSpan EndgameDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Peers asked for one block at the same time in the endgame.</summary>
    public int EndgameMaxPeersPerBlock { get; set; } = 2;

    /// <summary>
    /// Wants outstanding at more than one peer at once (the endgame's duplicates, the oldest wants first). Each one
    /// usually costs a block sent twice; a few cover the reader's head of line and the last blocks of a fetch.
    /// </summary>
    public int EndgameMaxDuplicates { get; set; } = 8;

    /// <summary>Period of the scheduler's housekeeping (stall and endgame checks), only while a session or a want exists.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Received blocks hashed and stored in parallel.</summary>
    public int VerifyParallelism { get; set; } = 2;

    /// <summary>Announce every fetched block through <see cref="IProviderFinder.ProvideAsync"/> (queued, never blocks a fetch).</summary>
    public bool ProvideFetchedBlocks { get; set; } = true;

    /// <summary>Provide announcements waiting at most; further ones are skipped.</summary>
    public int ProvideQueueCapacity { get; set; } = 4096;

    /// <summary>
    /// Hash blocks read from our own store before serving them. Off by default, like kubo's HashOnRead: the receiver
    /// verifies every block anyway, and `repo verify` finds rotten files.
    /// </summary>
    public bool VerifyServedBlocks { get; set; }

    /// <summary>
    /// Hash blocks read from our own store for a local fetch (`cat`, `get`, the gateway). Off by default, like kubo's
    /// HashOnRead: every block was hashed on its way in; `repo verify` finds rotten ones. The daemon sets this and
    /// <see cref="VerifyServedBlocks"/> from the repo's <c>hashOnRead</c>.
    /// </summary>
    public bool VerifyLocalReads { get; set; }

    /// <summary>Score below which a peer is dropped; a wrong block costs 100, a stall 20, a good block earns 1.</summary>
    public int DropScore { get; set; } = -50;

    /// <summary>
    /// States of disconnected peers kept for when they come back (score, counters, a drop for lying) beyond those
    /// still needed by a want, serve work or an open session; the oldest free ones are forgotten first, peers
    /// dropped for misbehaving last. 0 forgets a peer as soon as nothing needs it. Bounds the exchange's memory
    /// under a stream of short-lived identities.
    /// </summary>
    public int MaxDisconnectedPeers { get; set; } = 1024;

    internal void Validate()
    {
        if (MaxPeers < 1 || MaxInFlightPerPeer < 1 || MinInFlightPerPeer < 1 || InitialInFlightPerPeer < 1 || MaxServeQueuePerPeer < 1
            || VerifyParallelism < 1 || ProvideQueueCapacity < 1 || EndgameMaxPeersPerBlock < 1 || EndgameMaxDuplicates < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxPeers), "exchange limits must be positive");
        if (MinInFlightPerPeer > MaxInFlightPerPeer)
            throw new ArgumentOutOfRangeException(nameof(MinInFlightPerPeer), "must not exceed MaxInFlightPerPeer");
        if (UploadBytesPerSecond < 0)
            throw new ArgumentOutOfRangeException(nameof(UploadBytesPerSecond), "must not be negative");
        if (MaxDisconnectedPeers < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxDisconnectedPeers), MaxDisconnectedPeers, "must not be negative");
        if (StallTimeout <= TimeSpan.Zero || NotFoundTimeout <= TimeSpan.Zero || TickInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), "timeouts must be positive");
    }
}
