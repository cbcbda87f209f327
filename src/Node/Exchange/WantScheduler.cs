using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Node.Exchange.Planning;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The scheduling loop: woken by every event (<see cref="Wake"/>) and by a periodic tick, it prunes the ledger,
/// takes stalled peers' requests back, copies the books into a snapshot, lets the <see cref="WantPlanner"/> decide,
/// applies the decisions to the books, and only then, with the gate released, sends the want-blocks, fails the
/// wants nobody could serve and starts provider searches.
/// </summary>
internal sealed class WantScheduler(
    ExchangeOptions options,
    TimeProvider time,
    WantBook book,
    PeerLedger ledger,
    ExchangeTotals totals,
    ControlSender control,
    ILogger logger)
{
    private readonly WantPlanner _planner = new(options, time);

    /// <summary>Wakes the loop; one pending signal is enough.</summary>
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Set once; provider searches are started through it (it needs the scheduler's wake-up).</summary>
    public ProviderSearch Search { get; set; } = null!;

    public void Wake() => _signal.Writer.TryWrite(true);

    public void Complete() => _signal.Writer.TryComplete();

    public async Task RunAsync(CancellationToken ct)
    {
        var reader = _signal.Reader;
        while (await reader.WaitToReadAsync(ct))
        {
            reader.TryRead(out _);
            try
            {
                await RoundAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep scheduling: a failure here would otherwise leave every fetch waiting forever.
                logger.LogError(ex, "Exchange scheduling round failed");
            }
        }
    }

    private async Task RoundAsync()
    {
        List<(PendingWant Want, List<PeerState> Asked, Exception Why)> failed = [];
        List<ExchangeSession> searches = [];
        Dictionary<PeerState, List<byte[]>> wantBlocks = [];
        lock (book.Gate)
        {
            var now = time.GetTimestamp();
            ledger.PrunePeriodicallyLocked(now);
            DropStalledLocked(now);
            foreach (var session in book.SessionsLocked)
            {
                foreach (var provider in session.Providers)
                    session.Log.Joined.TryAdd(provider.PeerId, now);
            }
            var snapshot = PlanSnapshot.TakeLocked(book, options, now);
            var plan = _planner.Plan(snapshot.Input);
            foreach (var assignment in plan.Assignments)
                AssignLocked(wantBlocks, snapshot.Wants[assignment.Want], snapshot.Peers[assignment.Peer], now);
            foreach (var w in plan.NewlyUnassignable)
                snapshot.Wants[w].UnassignableSince = now;
            foreach (var w in plan.Failed)
            {
                var want = snapshot.Wants[w];
                // How long the block waited with nobody to ask: the exchange's not-found timeout, whatever came before.
                var why = want.Session.Log.Explain(want.Cid, time.GetElapsedTime(want.UnassignableSince, now));
                failed.Add((want, book.RemoveLocked(want), why));
            }
            foreach (var s in plan.Searches)
            {
                var session = snapshot.Sessions[s];
                session.Searching = true;
                session.LastSearch = now;
                searches.Add(session);
            }
        }
        foreach (var (want, asked, why) in failed)
        {
            want.Completion.TrySetException(why);
            control.SendCancels(want.Cid.Bytes.ToArray(), asked);
        }
        foreach (var session in searches)
            Search.Start(session, book.FirstLacking(session) ?? session.Root, []);
        foreach (var (peer, cids) in wantBlocks)
        {
            Interlocked.Add(ref totals.BlocksRequested, cids.Count);
            for (var i = 0; i < cids.Count; i += WireLimits.MaxCidsPerList)
            {
                var batch = cids.GetRange(i, Math.Min(WireLimits.MaxCidsPerList, cids.Count - i));
                await control.SendAsync(peer, new WantBlockMessage { Cids = batch, SendDontHave = true });
            }
        }
    }

    /// <summary>Records a want-block the planner decided on; the sequence number matches the one it planned with.</summary>
    private static void AssignLocked(Dictionary<PeerState, List<byte[]>> wantBlocks, PendingWant want, PeerState peer, long now)
    {
        want.Asked.Add(peer);
        want.UnassignableSince = -1;
        if (peer.InFlight.Count == 0)
        {
            peer.Bandwidth.OnBusy(now);
            peer.LastProgress = now;
        }
        peer.InFlight[want.Cid.Multihash] = (now, peer.NextSequence++);
        if (!wantBlocks.TryGetValue(peer, out var list))
            wantBlocks[peer] = list = [];
        list.Add(want.Cid.Bytes.ToArray());
    }

    /// <summary>A peer with requests outstanding that has answered nothing for the stall timeout loses them and is excluded.</summary>
    private void DropStalledLocked(long now)
    {
        foreach (var peer in ledger.PeersLocked)
        {
            if (peer.InFlight.Count == 0 || time.GetElapsedTime(peer.LastProgress, now) < options.StallTimeout)
                continue;
            logger.LogInformation("Peer {PeerId} stalled with {Count} requests outstanding; asking others", peer.PeerId, peer.InFlight.Count);
            BlockExchange.NoteOutstanding(book, peer, departed: false);
            foreach (var multihash in peer.InFlight.Keys)
            {
                if (book.TryGetLocked(multihash, out var want))
                    want.Refused.Add(peer);
            }
            book.ReassignLocked(peer);
            peer.Score -= 20;
            foreach (var session in book.SessionsLocked)
                session.Excluded.Add(peer);
            if (peer.Score < options.DropScore)
                book.DropLocked(peer, ledger);
        }
    }
}
