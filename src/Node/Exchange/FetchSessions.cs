using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Transport;

namespace P2P.Node.Exchange;

/// <summary>
/// The client side's entry points (boxo's sessions): opening a session starts its provider search; a block asked
/// of a session comes from the store when held, otherwise becomes a want (shared by every waiter) for the
/// scheduler; a waiter that gives up, or a session that closes, withdraws its wants and cancels them at the peers.
/// </summary>
internal sealed class FetchSessions(
    ISecureTransport transport,
    IBlockStore store,
    ExchangeOptions options,
    TimeProvider time,
    WantBook book,
    PeerLedger ledger,
    ControlSender control,
    Action wake,
    ILogger logger)
{
    /// <summary>Set once; a new session's first search goes through it.</summary>
    public ProviderSearch Search { get; set; } = null!;

    public ExchangeSession Open(BlockExchange owner, Cid root)
    {
        var session = new ExchangeSession(owner, root, time.GetTimestamp());
        List<PeerState> connected;
        lock (book.Gate)
        {
            book.AddSessionLocked(session);
            session.Searching = true;
            connected = [.. ledger.PeersLocked.Where(p => p.Usable)];
        }
        foreach (var peer in transport.Peers)
        {
            if (peer.IsConnected && !connected.Exists(p => p.PeerId == peer.PeerId))
                connected.Add(ledger.Get(peer));
        }
        Search.Start(session, root, connected);
        // The first round arms the scheduler's tick, which runs only while a session is open.
        wake();
        return session;
    }

    /// <summary>
    /// The block from the store; null when the store lacks it. Hashed only under
    /// <see cref="ExchangeOptions.VerifyLocalReads"/> (kubo's HashOnRead): every block was hashed on its way into the store.
    /// </summary>
    public byte[]? ReadLocal(Cid cid)
    {
        // Has first: a flatfs miss through Get costs a caught FileNotFoundException, a stat does not.
        if (!store.Has(cid))
            return null;
        var data = store.Get(cid);
        if (data is null)
            return null;
        return !options.VerifyLocalReads || cid.Multihash.Matches(data) ? data : throw new CorruptBlockException(cid);
    }

    /// <summary>As <see cref="ReadLocal"/>, into a buffer the caller disposes (a pooled array for the pack store).</summary>
    public BlockBuffer? ReadLocalBuffer(Cid cid)
    {
        if (!store.Has(cid))
            return null;
        var buffer = store.GetBuffer(cid);
        if (buffer is null || !options.VerifyLocalReads || cid.Multihash.Matches(buffer.Memory.Span))
            return buffer;
        buffer.Dispose();
        throw new CorruptBlockException(cid);
    }

    /// <summary>
    /// As <see cref="GetAsync"/>, into a buffer the caller disposes: a block held comes in a pooled array, a fetched one
    /// as a view of the receive buffer it arrived in (no copy; the buffer is reused once every reader disposed).
    /// </summary>
    public async ValueTask<BlockBuffer> GetBufferAsync(ExchangeSession session, Cid cid, CancellationToken ct) =>
        ReadLocalBuffer(cid) ?? await FetchAsync(session, cid, ct);

    public async ValueTask<byte[]> GetAsync(ExchangeSession session, Cid cid, CancellationToken ct)
    {
        // Resume: a block the repo already holds is never requested.
        var local = ReadLocal(cid);
        if (local is not null)
            return local;
        using var fetched = await FetchAsync(session, cid, ct);
        return fetched.ToArray();
    }

    /// <summary>Waits for the block from the swarm, through a want shared with every other waiter of it.</summary>
    private async ValueTask<BlockBuffer> FetchAsync(ExchangeSession session, Cid cid, CancellationToken ct)
    {
        PendingWant want;
        lock (book.Gate)
        {
            ObjectDisposedException.ThrowIf(session.Closed, session);
            want = book.AddWaiterLocked(cid, session, time.GetTimestamp());
        }
        wake();
        ReadOnlyMemory<byte> data;
        try
        {
            data = await want.Completion.Task.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Release(want);
            throw;
        }
        return BlockBuffer.Lend(data, TakeLease(want));
    }

    /// <summary>This waiter's lease on a delivered block (one was taken for each waiter at delivery).</summary>
    private PayloadLease TakeLease(PendingWant want)
    {
        lock (book.Gate)
            return want.Leases.TryPop(out var lease) ? lease : throw new InvalidOperationException($"no lease left for a waiter of {want.Cid}");
    }

    /// <summary>
    /// A waiter gave up. Before delivery: when none is left the want is withdrawn and its peers are sent a cancel.
    /// After delivery: the lease taken for this waiter is given back.
    /// </summary>
    private void Release(PendingWant want)
    {
        PayloadLease? unused = null;
        List<PeerState>? withdrawn = null;
        lock (book.Gate)
        {
            --want.Waiters;
            if (want.Done)
                want.Leases.TryPop(out unused);
            else if (want.Waiters == 0)
                withdrawn = book.RemoveLocked(want);
        }
        unused?.Dispose();
        if (withdrawn is null)
            return;
        want.Completion.TrySetCanceled();
        control.SendCancels(want.Cid.Bytes.ToArray(), withdrawn);
    }

    public async ValueTask CloseAsync(ExchangeSession session)
    {
        List<(PendingWant Want, List<PeerState> Asked)> withdrawn;
        lock (book.Gate)
        {
            if (session.Closed)
                return;
            if (logger.IsEnabled(LogLevel.Debug))
                LogSummaryLocked(session);
            withdrawn = book.CloseSessionLocked(session);
            // The session let go of its peers: those that left may be forgotten now.
            ledger.PruneLocked();
        }
        await session.Lifetime.CancelAsync();
        foreach (var (want, asked) in withdrawn)
        {
            want.Completion.TrySetException(new ObjectDisposedException(nameof(ExchangeSession)));
            control.SendCancels(want.Cid.Bytes.ToArray(), asked);
        }
        // A round now disarms the tick if this was the last session.
        wake();
    }

    /// <summary>Which peers a fetch used, when each joined it and how the planner saw them at the end (docs/perf/multi-provider.md).</summary>
    private void LogSummaryLocked(ExchangeSession session)
    {
        var now = time.GetTimestamp();
        foreach (var peer in ledger.PeersLocked)
        {
            var joined = session.Log.Joined.TryGetValue(peer.PeerId, out var at) ? $"{time.GetElapsedTime(session.Log.OpenedAt, at).TotalMilliseconds:F0} ms" : "never";
            logger.LogDebug(
                "Fetch {Root} after {Elapsed:F0} ms: peer {PeerId} joined {Joined}, provider {Provider}, excluded {Excluded}, blocks {Blocks} (all fetches), rate {Rate:F1} MB/s, window {Window}, score {Score}, usable {Usable}",
                session.Root, time.GetElapsedTime(session.Log.OpenedAt, now).TotalMilliseconds, peer.PeerId, joined, session.Providers.Contains(peer),
                session.Excluded.Contains(peer), Interlocked.Read(ref peer.BlocksReceived), peer.Bandwidth.BytesPerSecond / 1e6, peer.Window(options), peer.Score, peer.Usable);
        }
    }

    public int CountPeers(ExchangeSession session)
    {
        lock (book.Gate)
            return session.Providers.Count(p => p.Usable && !session.Excluded.Contains(p));
    }
}
