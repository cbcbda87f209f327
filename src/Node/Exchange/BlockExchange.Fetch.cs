using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>The fetch side: wants, received blocks and their verification, have / don't-have, disconnects.</summary>
public sealed partial class BlockExchange
{
    /// <summary>The block from the store, verified; null when the store lacks it.</summary>
    private byte[]? ReadLocal(Cid cid)
    {
        // Has first: a flatfs miss through Get costs a caught FileNotFoundException, a stat does not.
        if (!_store.Has(cid))
            return null;
        var data = _store.Get(cid);
        if (data is null)
            return null;
        return cid.Multihash.Matches(data) ? data : throw new CorruptBlockException(cid);
    }

    internal async ValueTask<byte[]> GetAsync(ExchangeSession session, Cid cid, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // Resume: a block the repo already holds is never requested.
        var local = ReadLocal(cid);
        if (local is not null)
            return local;
        PendingWant want;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(session.Closed, session);
            if (!_wants.TryGetValue(cid.Multihash, out var existing))
            {
                existing = new PendingWant(cid, session, _time.GetTimestamp());
                _wants.Add(cid.Multihash, existing);
                _order.Add(existing);
            }
            want = existing;
            want.Waiters++;
        }
        Signal();
        try
        {
            return await want.Completion.Task.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Release(want);
            throw;
        }
    }

    /// <summary>A waiter gave up; when none is left the want is withdrawn and its peers are sent a cancel.</summary>
    private void Release(PendingWant want)
    {
        List<PeerState> asked;
        lock (_gate)
        {
            if (--want.Waiters > 0 || want.Done)
                return;
            asked = RemoveWantLocked(want);
        }
        want.Completion.TrySetCanceled();
        SendCancels(want.Cid, asked, null);
    }

    /// <summary>Forgets a want and returns the peers that still had it outstanding. Caller holds _gate.</summary>
    private List<PeerState> RemoveWantLocked(PendingWant want)
    {
        want.Done = true;
        _wants.Remove(want.Cid.Multihash);
        _order.Remove(want);
        var asked = new List<PeerState>(want.Asked);
        foreach (var peer in asked)
            Unassign(peer, want.Cid.Multihash);
        want.Asked.Clear();
        return asked;
    }

    private static void Unassign(PeerState peer, Multihash multihash)
    {
        if (peer.InFlight.Remove(multihash) && peer.InFlight.Count == 0)
            peer.Bandwidth.OnIdle();
    }

    internal async ValueTask CloseSessionAsync(ExchangeSession session)
    {
        List<(PendingWant Want, List<PeerState> Asked)> withdrawn = [];
        lock (_gate)
        {
            if (session.Closed)
                return;
            session.Closed = true;
            _sessions.Remove(session);
            foreach (var want in _order.Where(w => w.Session == session).ToList())
                withdrawn.Add((want, RemoveWantLocked(want)));
            // The session let go of its peers: those that left may be forgotten now.
            PruneLocked();
        }
        await session.Lifetime.CancelAsync();
        foreach (var (want, asked) in withdrawn)
        {
            want.Completion.TrySetException(new ObjectDisposedException(nameof(ExchangeSession)));
            SendCancels(want.Cid, asked, null);
        }
    }

    private async Task VerifyLoopAsync()
    {
        await foreach (var (peer, block) in _received.Reader.ReadAllAsync(_stopping.Token))
        {
            try
            {
                OnBlock(peer, block);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("Could not store a fetched block: {Error}", ex.Message);
            }
            catch (Exception ex)
            {
                // A bug must not stop verification for every later block; the want stays open and is retried.
                _logger.LogError(ex, "Handling a block from {PeerId} failed", peer.PeerId);
            }
        }
    }

    private void OnBlock(PeerState peer, BlockMessage block)
    {
        var cid = Cid.FromBytes(block.Cid);
        PendingWant? want;
        lock (_gate)
        {
            peer = ResolveLocked(peer);
            _wants.TryGetValue(cid.Multihash, out want);
        }
        if (want is null || want.Done)
        {
            // Not wanted (any more): an endgame loser or an unsolicited push. Never stored unverified or unasked.
            Interlocked.Increment(ref want is null ? ref _unwantedBlocks : ref _duplicateBlocks);
            Interlocked.Increment(ref peer.DuplicateBlocks);
            return;
        }
        if (!want.Cid.Multihash.Matches(block.Data))
        {
            OnCorrupt(peer, want);
            return;
        }
        _store.Put(want.Cid, block.Data);
        var now = _time.GetTimestamp();
        List<PeerState> losers;
        lock (_gate)
        {
            if (want.Done)
            {
                Interlocked.Increment(ref _duplicateBlocks);
                Interlocked.Increment(ref peer.DuplicateBlocks);
                return;
            }
            if (peer.InFlight.Remove(want.Cid.Multihash, out var request))
            {
                peer.Bandwidth.OnDelivered(now, request.SentAt, block.Data.Length, peer.InFlight.Count > 0, _time);
            }
            peer.LastProgress = now;
            peer.Score = Math.Min(peer.Score + 1, 100);
            want.Asked.Remove(peer);
            want.Session.Providers.Add(peer);
            losers = RemoveWantLocked(want);
        }
        Interlocked.Increment(ref _blocksFetched);
        Interlocked.Add(ref _bytesFetched, block.Data.Length);
        Interlocked.Increment(ref peer.BlocksReceived);
        Interlocked.Add(ref peer.BytesReceived, block.Data.Length);
        want.Completion.TrySetResult(block.Data);
        SendCancels(want.Cid, losers, peer);
        if (_options.ProvideFetchedBlocks)
            _provideQueue.Writer.TryWrite(want.Cid);
        Signal();
    }

    /// <summary>A block that does not hash to its CID: the sender is dropped and the block asked of others.</summary>
    private void OnCorrupt(PeerState peer, PendingWant want)
    {
        Interlocked.Increment(ref _corruptBlocks);
        lock (_gate)
        {
            peer = ResolveLocked(peer);
            Interlocked.Increment(ref peer.CorruptBlocks);
            want.Refused.Add(peer);
            want.Asked.Remove(peer);
            peer.Score -= 100;
            DropLocked(peer);
        }
        _logger.LogWarning("Peer {PeerId} sent a block that does not match {Cid}; dropping it", peer.PeerId, want.Cid);
        _transport.Disconnect(peer.Peer);
        Signal();
    }

    /// <summary>Stops asking a peer for anything and hands its outstanding wants to others. Caller holds _gate.</summary>
    private void DropLocked(PeerState peer)
    {
        peer.Dropped = true;
        MoveToDroppedLocked(peer);
        ReassignLocked(peer);
    }

    /// <summary>Takes back every want outstanding at <paramref name="peer"/>. Caller holds _gate.</summary>
    private void ReassignLocked(PeerState peer)
    {
        foreach (var multihash in peer.InFlight.Keys)
        {
            if (_wants.TryGetValue(multihash, out var want))
                want.Asked.Remove(peer);
        }
        peer.InFlight.Clear();
        peer.Bandwidth.OnIdle();
    }

    private void OnHave(PeerState peer, HaveMessage have)
    {
        lock (_gate)
        {
            peer = ResolveLocked(peer);
            if (peer.Dropped)
                return;
            foreach (var bytes in have.Cids)
            {
                var cid = Cid.FromBytes(bytes);
                if (_wants.TryGetValue(cid.Multihash, out var want))
                    want.Session.Providers.Add(peer);
                foreach (var session in _sessions)
                {
                    if (session.Root.Multihash.Equals(cid.Multihash))
                        session.Providers.Add(peer);
                }
            }
        }
        Signal();
    }

    private void OnDontHave(PeerState peer, DontHaveMessage dontHave)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            peer = ResolveLocked(peer);
            foreach (var bytes in dontHave.Cids)
            {
                var multihash = Cid.FromBytes(bytes).Multihash;
                if (!_wants.TryGetValue(multihash, out var want))
                    continue;
                want.Refused.Add(peer);
                if (want.Asked.Remove(peer))
                {
                    Unassign(peer, multihash);
                    peer.LastProgress = now;
                }
            }
        }
        Signal();
    }

    /// <summary>Withdraws a want from every peer but the one that delivered it (the endgame's losers).</summary>
    private void SendCancels(Cid cid, List<PeerState> peers, PeerState? winner)
    {
        foreach (var peer in peers)
        {
            if (peer != winner && peer.Peer.IsConnected)
                _ = SendControlAsync(peer, new CancelMessage { Cids = [cid.Bytes.ToArray()] });
        }
    }

    private async Task SendControlAsync(PeerState peer, WireMessage message)
    {
        try
        {
            await _transport.SendAsync(peer.Peer, WireCodec.Encode(message), ControlChannel, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task ProvideLoopAsync()
    {
        await foreach (var cid in _provideQueue.Reader.ReadAllAsync(_stopping.Token))
        {
            try
            {
                await _finder.ProvideAsync(cid, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogDebug("Providing {Cid} failed: {Error}", cid, ex.Message);
            }
        }
    }
}
