using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Node.Exchange.Planning;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// What peers answer to our wants: blocks (queued, then hashed against their CID by
/// <see cref="ExchangeOptions.VerifyParallelism"/> verifiers before they are stored or handed out), haves and
/// don't-haves. A peer that sends a block not matching its CID is dropped and disconnected; the endgame's losers
/// are sent a cancel once a block arrives. Every event wakes the scheduler through <paramref name="wake"/>.
/// </summary>
internal sealed class BlockReceiver(
    ISecureTransport transport,
    IBlockStore store,
    ExchangeOptions options,
    TimeProvider time,
    WantBook book,
    PeerLedger ledger,
    ExchangeTotals totals,
    ControlSender control,
    ProvideQueue provide,
    Action wake,
    ILogger logger)
{
    /// <summary>
    /// Received blocks waiting to be verified and stored, each with the lease that keeps its receive buffer; a full
    /// queue makes the transport wait. Whoever takes an item out disposes its lease.
    /// </summary>
    private readonly Channel<(PeerState Peer, BlockMessage Block, PayloadLease Lease)> _received =
        Channel.CreateBounded<(PeerState, BlockMessage, PayloadLease)>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false, SingleReader = false });

    /// <summary>
    /// Queues a block for verification; waits only when the queue is full (back-pressure towards the transport). The
    /// queue owns <paramref name="lease"/> from here: a block that is dropped instead releases it.
    /// </summary>
    public ValueTask EnqueueAsync(PeerState peer, BlockMessage block, PayloadLease lease, CancellationToken ct) =>
        _received.Writer.TryWrite((peer, block, lease)) ? ValueTask.CompletedTask : QueueBlockAsync(peer, block, lease, ct);

    /// <summary>Waits for room in the verification queue; a block arriving during shutdown is dropped.</summary>
    private async ValueTask QueueBlockAsync(PeerState peer, BlockMessage block, PayloadLease lease, CancellationToken ct)
    {
        try
        {
            await _received.Writer.WriteAsync((peer, block, lease), ct);
        }
        catch (ChannelClosedException)
        {
            lease.Dispose();
        }
        catch (OperationCanceledException)
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>No more blocks are accepted; the verifiers end once the queue is drained or stopping.</summary>
    public void Complete() => _received.Writer.TryComplete();

    /// <summary>After the verifiers stopped: releases the buffers of blocks left in the queue (blocks nobody will verify now).</summary>
    public void DropQueued()
    {
        while (_received.Reader.TryRead(out var item))
            item.Lease.Dispose();
    }

    public async Task VerifyLoopAsync(CancellationToken ct)
    {
        await foreach (var (peer, block, lease) in _received.Reader.ReadAllAsync(ct))
        {
            try
            {
                OnBlock(peer, block, lease);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not store a fetched block: {Error}", ex.Message);
            }
            catch (Exception ex)
            {
                // A bug must not stop verification for every later block; the want stays open and is retried.
                logger.LogError(ex, "Handling a block from {PeerId} failed", peer.PeerId);
            }
            finally
            {
                // The verifier's own claim; each waiter of a delivered block holds a lease of its own.
                lease.Dispose();
            }
        }
    }

    /// <summary>
    /// Verifies and stores one block, then hands it to every waiter of its want: a lease of the block's buffer for
    /// each is taken under the gate, at the moment the want is marked done, so the count matches the waiters exactly
    /// (a waiter that gives up after that takes its lease and disposes it: <see cref="FetchSessions"/>).
    /// </summary>
    private void OnBlock(PeerState peer, BlockMessage block, PayloadLease lease)
    {
        var cid = Cid.FromBytes(block.Cid);
        PendingWant? want;
        lock (book.Gate)
        {
            peer = ledger.ResolveLocked(peer);
            book.TryGetLocked(cid.Multihash, out want);
        }
        if (want is null || want.Done)
        {
            // Not wanted (any more): an endgame loser or an unsolicited push. Never stored unverified or unasked.
            Interlocked.Increment(ref want is null ? ref totals.UnwantedBlocks : ref totals.DuplicateBlocks);
            Interlocked.Increment(ref peer.DuplicateBlocks);
            return;
        }
        if (!want.Cid.Multihash.Matches(block.Data.Span))
        {
            OnCorrupt(peer, want);
            return;
        }
        store.Put(want.Cid, block.Data.Span);
        var now = time.GetTimestamp();
        List<PeerState> losers;
        lock (book.Gate)
        {
            if (want.Done)
            {
                Interlocked.Increment(ref totals.DuplicateBlocks);
                Interlocked.Increment(ref peer.DuplicateBlocks);
                return;
            }
            if (peer.InFlight.Remove(want.Cid.Multihash, out var request))
                peer.Bandwidth.OnDelivered(now, request.SentAt, block.Data.Length, peer.InFlight.Count > 0, time);
            peer.LastProgress = now;
            peer.Score = Math.Min(peer.Score + 1, 100);
            want.Session.Providers.Add(peer);
            losers = WantPlanner.Losers(want.Asked, peer);
            book.RemoveLocked(want);
            for (var i = 0; i < want.Waiters; i++)
                want.Leases.Push(lease.Share());
        }
        Interlocked.Increment(ref totals.BlocksFetched);
        Interlocked.Add(ref totals.BytesFetched, block.Data.Length);
        Interlocked.Increment(ref peer.BlocksReceived);
        Interlocked.Add(ref peer.BytesReceived, block.Data.Length);
        want.Completion.TrySetResult(block.Data);
        control.SendCancels(want.Cid.Bytes.ToArray(), losers);
        if (options.ProvideFetchedBlocks)
            provide.TryAdd(want.Cid);
        wake();
    }

    /// <summary>A block that does not hash to its CID: the sender is dropped and the block asked of others.</summary>
    private void OnCorrupt(PeerState peer, PendingWant want)
    {
        Interlocked.Increment(ref totals.CorruptBlocks);
        lock (book.Gate)
        {
            peer = ledger.ResolveLocked(peer);
            Interlocked.Increment(ref peer.CorruptBlocks);
            want.Refused.Add(peer);
            want.Asked.Remove(peer);
            peer.Score -= 100;
            book.DropLocked(peer, ledger);
        }
        logger.LogWarning("Peer {PeerId} sent a block that does not match {Cid}; dropping it", peer.PeerId, want.Cid);
        transport.Disconnect(peer.Peer);
        wake();
    }

    public void OnHave(PeerState peer, HaveMessage have)
    {
        lock (book.Gate)
        {
            peer = ledger.ResolveLocked(peer);
            if (peer.Dropped)
                return;
            foreach (var bytes in have.Cids)
            {
                var cid = Cid.FromBytes(bytes);
                if (book.TryGetLocked(cid.Multihash, out var want))
                    want.Session.Providers.Add(peer);
                foreach (var session in book.SessionsLocked)
                {
                    if (session.Root.Multihash.Equals(cid.Multihash))
                        session.Providers.Add(peer);
                }
            }
        }
        wake();
    }

    public void OnDontHave(PeerState peer, DontHaveMessage dontHave)
    {
        var now = time.GetTimestamp();
        lock (book.Gate)
        {
            peer = ledger.ResolveLocked(peer);
            foreach (var bytes in dontHave.Cids)
            {
                var multihash = Cid.FromBytes(bytes).Multihash;
                if (!book.TryGetLocked(multihash, out var want))
                    continue;
                want.Refused.Add(peer);
                want.Session.Log.SaidDontHave.Add(peer.PeerId);
                if (want.Asked.Remove(peer))
                {
                    WantBook.Unassign(peer, multihash);
                    peer.LastProgress = now;
                }
            }
        }
        wake();
    }
}
