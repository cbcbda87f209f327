using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Exchange;

/// <summary>A block someone is waiting for. Guarded by the exchange gate, except <see cref="Completion"/>.</summary>
internal sealed class PendingWant(Cid cid, ExchangeSession session, long createdAt)
{
    public Cid Cid { get; } = cid;

    /// <summary>The session whose peers are asked (the first that wanted the block).</summary>
    public ExchangeSession Session { get; } = session;

    /// <summary>
    /// The verified block: a view of its receive buffer, valid for a waiter only through the lease it takes from
    /// <see cref="Leases"/>.
    /// </summary>
    public TaskCompletionSource<ReadOnlyMemory<byte>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// One lease on the delivered block's buffer for each waiter there was at delivery; each waiter takes exactly one,
    /// when it gets the block or when it gives up after delivery. Empty until delivered. Guarded by the exchange gate.
    /// </summary>
    public Stack<PayloadLease> Leases { get; } = [];

    /// <summary>Peers asked and not yet answered; more than one only in the endgame.</summary>
    public List<PeerState> Asked { get; } = [];

    /// <summary>Peers that said they lack it, stalled on it or sent a wrong block: never asked again for it.</summary>
    public HashSet<PeerState> Refused { get; } = [];

    public int Waiters { get; set; }

    /// <summary>Since when no peer could be asked; -1 while some peer has it outstanding.</summary>
    public long UnassignableSince { get; set; } = createdAt;

    public bool Done { get; set; }
}
