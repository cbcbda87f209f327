using Microsoft.Extensions.Logging;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The scheduler: one loop, woken by every event and by a periodic tick, that hands wants to peers with room in
/// their window, drops stalled peers, duplicates late requests in the endgame, fails wants nobody can serve and
/// starts provider searches. Decisions are made under _gate; messages are sent after it is released.
/// </summary>
public sealed partial class BlockExchange
{
    private sealed record Plan(
        Dictionary<PeerState, List<byte[]>> WantBlocks,
        List<(PendingWant Want, List<PeerState> Asked)> Failed,
        List<ExchangeSession> Searches);

    private async Task ScheduleLoopAsync()
    {
        var reader = _signal.Reader;
        while (await reader.WaitToReadAsync(_stopping.Token))
        {
            reader.TryRead(out _);
            try
            {
                await RunPlanAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep scheduling: a failure here would otherwise leave every fetch waiting forever.
                _logger.LogError(ex, "Exchange scheduling round failed");
            }
        }
    }

    private async Task RunPlanAsync()
    {
        Plan plan;
        lock (_gate)
            plan = PlanLocked(_time.GetTimestamp());
        foreach (var (want, asked) in plan.Failed)
        {
            want.Completion.TrySetException(new BlockNotFoundException(want.Cid,
                $"no peer could provide block {want.Cid} within {_options.NotFoundTimeout.TotalSeconds:0.#} s"));
            SendCancels(want.Cid, asked, null);
        }
        foreach (var session in plan.Searches)
            _ = SearchAsync(session, FirstLackingCid(session) ?? session.Root, []);
        foreach (var (peer, cids) in plan.WantBlocks)
        {
            Interlocked.Add(ref _blocksRequested, cids.Count);
            for (var i = 0; i < cids.Count; i += WireLimits.MaxCidsPerList)
            {
                var batch = cids.GetRange(i, Math.Min(WireLimits.MaxCidsPerList, cids.Count - i));
                await SendControlAsync(peer, new WantBlockMessage { Cids = batch, SendDontHave = true });
            }
        }
    }

    private Plan PlanLocked(long now)
    {
        var plan = new Plan([], [], []);
        PrunePeriodicallyLocked(now);
        DropStalledLocked(now);
        var allAssigned = true;
        foreach (var want in _order)
        {
            if (want.Asked.Count > 0)
                continue;
            var peer = ChoosePeerLocked(want);
            if (peer is null)
            {
                allAssigned = false;
                if (want.UnassignableSince < 0)
                    want.UnassignableSince = now;
                continue;
            }
            AssignLocked(plan, want, peer, now);
        }
        if (allAssigned)
            EndgameLocked(plan, now);
        foreach (var want in _order)
        {
            if (want.Asked.Count == 0 && _time.GetElapsedTime(want.UnassignableSince, now) >= _options.NotFoundTimeout)
                plan.Failed.Add((want, []));
        }
        foreach (var (want, _) in plan.Failed)
            RemoveWantLocked(want);
        foreach (var session in _sessions)
        {
            if (session.Searching || _time.GetElapsedTime(session.LastSearch, now) < _options.ProviderSearchInterval)
                continue;
            // Keep asking for providers while some want has nobody to ask.
            if (_order.Exists(w => w.Session == session && w.Asked.Count == 0))
            {
                session.Searching = true;
                session.LastSearch = now;
                plan.Searches.Add(session);
            }
        }
        return plan;
    }

    private void AssignLocked(Plan plan, PendingWant want, PeerState peer, long now)
    {
        want.Asked.Add(peer);
        want.UnassignableSince = -1;
        if (peer.InFlight.Count == 0)
        {
            peer.Bandwidth.OnBusy(now);
            peer.LastProgress = now;
        }
        peer.InFlight[want.Cid.Multihash] = (now, peer.NextSequence++);
        if (!plan.WantBlocks.TryGetValue(peer, out var list))
            plan.WantBlocks[peer] = list = [];
        list.Add(want.Cid.Bytes.ToArray());
    }

    /// <summary>
    /// The usable session peer with room in its window that would deliver soonest (queue ahead of the request
    /// divided by its bandwidth), so faster peers get proportionally more requests.
    /// </summary>
    private PeerState? ChoosePeerLocked(PendingWant want)
    {
        PeerState? best = null;
        var bestTime = double.MaxValue;
        var session = want.Session;
        foreach (var peer in session.Providers)
        {
            if (!peer.Usable || session.Excluded.Contains(peer) || want.Refused.Contains(peer) || want.Asked.Contains(peer))
                continue;
            if (peer.InFlight.Count >= peer.Window(_options))
                continue;
            var expected = peer.ExpectedSeconds(peer.InFlight.Count + 1);
            if (expected < bestTime)
            {
                best = peer;
                bestTime = expected;
            }
        }
        return best;
    }

    /// <summary>
    /// BitTorrent's endgame, applied only once every want has a peer: a request is also sent to a peer with a
    /// free window when it would arrive there in less than half the time it still needs where it waits (its place
    /// in that peer's queue over the peer's rate), or when it is overdue (twice the expected time plus the
    /// endgame delay, a stall in the making). The first copy to arrive wins; the other is cancelled, usually
    /// while still queued at the slower peer, so little upload is wasted.
    /// </summary>
    private void EndgameLocked(Plan plan, long now)
    {
        foreach (var want in _order)
        {
            if (want.Asked.Count == 0 || want.Asked.Count >= _options.EndgameMaxPeersPerBlock)
                continue;
            var first = want.Asked[0];
            if (!first.InFlight.TryGetValue(want.Cid.Multihash, out var request))
                continue;
            var waited = _time.GetElapsedTime(request.SentAt, now).TotalSeconds;
            var ahead = 0;
            foreach (var other in first.InFlight.Values)
            {
                if (other.Sequence < request.Sequence)
                    ahead++;
            }
            var remaining = first.ExpectedSeconds(ahead + 1) - waited;
            var overdue = waited >= 2 * first.ExpectedSeconds(first.InFlight.Count) + _options.EndgameDelay.TotalSeconds;
            var alternative = ChoosePeerLocked(want);
            if (alternative is null)
                continue;
            if (overdue || alternative.ExpectedSeconds(alternative.InFlight.Count + 1) < remaining / 2)
                AssignLocked(plan, want, alternative, now);
        }
    }

    /// <summary>A peer with requests outstanding that has answered nothing for the stall timeout loses them and is excluded.</summary>
    private void DropStalledLocked(long now)
    {
        foreach (var peer in _peers.Values)
        {
            if (peer.InFlight.Count == 0 || _time.GetElapsedTime(peer.LastProgress, now) < _options.StallTimeout)
                continue;
            _logger.LogInformation("Peer {PeerId} stalled with {Count} requests outstanding; asking others", peer.PeerId, peer.InFlight.Count);
            foreach (var multihash in peer.InFlight.Keys)
            {
                if (_wants.TryGetValue(multihash, out var want))
                    want.Refused.Add(peer);
            }
            ReassignLocked(peer);
            peer.Score -= 20;
            foreach (var session in _sessions)
                session.Excluded.Add(peer);
            if (peer.Score < _options.DropScore)
                DropLocked(peer);
        }
    }

    private Cid? FirstLackingCid(ExchangeSession session)
    {
        lock (_gate)
            return _order.Find(w => w.Session == session && w.Asked.Count == 0)?.Cid;
    }

    /// <summary>
    /// Asks connected peers whether they have <paramref name="cid"/> (want-have) and dials the providers the
    /// finder reports, adding each to the session as it answers.
    /// </summary>
    private async Task SearchAsync(ExchangeSession session, Cid cid, List<PeerState> connected)
    {
        var ct = session.Lifetime.Token;
        try
        {
            var ask = new WantHaveMessage { Cids = [cid.Bytes.ToArray()], SendDontHave = true };
            foreach (var peer in connected)
            {
                if (peer.Usable)
                    await SendControlAsync(peer, ask);
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stopping.Token);
            await foreach (var provider in _finder.FindProvidersAsync(cid, linked.Token))
            {
                if (provider.PeerId == _transport.LocalPeerId || CountSessionPeers(session) >= _options.MaxPeers)
                    continue;
                var result = await _dialer.DialAsync(provider, linked.Token);
                if (!result.Succeeded)
                {
                    _logger.LogDebug("Could not reach provider {PeerId} at {EndPoint}: {Error}", provider.PeerId, provider.EndPoint, result.Error);
                    continue;
                }
                var state = GetPeer(result.Peer!);
                lock (_gate)
                {
                    state = ResolveLocked(state);
                    if (!state.Dropped)
                        session.Providers.Add(state);
                }
                Signal();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogDebug("Provider search for {Cid} failed: {Error}", cid, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                session.Searching = false;
                session.LastSearch = _time.GetTimestamp();
            }
            Signal();
        }
    }
}
