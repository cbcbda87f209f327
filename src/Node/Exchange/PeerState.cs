using P2P.Node.Exchange.Planning;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Exchange;

/// <summary>
/// What the exchange knows about one remote peer. Fetch-side fields are guarded by the gate of the exchange's <see cref="WantBook"/>;
/// serve-side fields by <see cref="ServeLock"/>; counters are updated with Interlocked and read racily for statistics.
/// </summary>
internal sealed class PeerState(SecurePeer peer)
{
    /// <summary>The live connection; replaced (under the gate) when the peer reconnects.</summary>
    public SecurePeer Peer { get; set; } = peer;

    public PeerId PeerId { get; } = peer.PeerId;

    // ---- fetch side, guarded by WantBook.Gate ----

    /// <summary>Want-blocks outstanding at this peer: when each was sent and its place in the order they were sent.</summary>
    public Dictionary<Multihash, (long SentAt, long Sequence)> InFlight { get; } = [];

    /// <summary>Sequence number of the next request (a batch shares one timestamp, so time alone cannot order it).</summary>
    public long NextSequence { get; set; }

    public BandwidthEstimator Bandwidth { get; } = new();

    /// <summary>Last time the peer answered anything we asked (a block or a don't-have), or was first asked.</summary>
    public long LastProgress { get; set; }

    public int Score { get; set; }

    /// <summary>Stalls of this peer so far, and when the last one was found: they set when a lone provider is asked again.</summary>
    public int Stalls { get; set; }

    public long LastStall { get; set; }

    /// <summary>Dropped for good: sent a wrong block or fell below the drop score.</summary>
    public bool Dropped { get; set; }

    /// <summary>
    /// This state's place in one of the exchange's lists of disconnected peers (oldest first), from which it is
    /// forgotten once over the bound; null while the peer is connected.
    /// </summary>
    public LinkedListNode<PeerState>? Departure { get; set; }

    // ---- serve side, guarded by ServeLock ----

    public Lock ServeLock { get; } = new();

    /// <summary>Blocks this peer asked us for, in request order; cancels remove them.</summary>
    public LinkedList<Cid> ServeQueue { get; } = new();

    public Dictionary<Multihash, LinkedListNode<Cid>> ServeIndex { get; } = [];

    /// <summary>True while a serve worker drains <see cref="ServeQueue"/>.</summary>
    public bool Serving { get; set; }

    /// <summary>Round-robin cursor over the bulk channels for this peer's blocks.</summary>
    public int NextChannel { get; set; }

    // ---- counters (Interlocked) ----

    public long BytesReceived;
    public long BlocksReceived;
    public long BytesSent;
    public long BlocksSent;
    public long DuplicateBlocks;
    public long CorruptBlocks;

    public bool Usable => !Dropped && Peer.IsConnected;

    /// <summary>Requests to keep outstanding at this peer now (<see cref="PeerRate.Window"/>).</summary>
    public int Window(ExchangeOptions options) => Bandwidth.Rate.Window(options);
}
