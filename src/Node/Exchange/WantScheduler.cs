using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Node.Exchange.Planning;
using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The scheduling loop: woken by every event (<see cref="Wake"/>) and, while a fetch is open, by a periodic tick
/// (<see cref="ExchangeOptions.TickInterval"/>) for the checks that depend on time alone; it prunes the ledger,
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

    /// <summary>Whether the housekeeping tick is armed (see <see cref="RunAsync"/>). Written by the loop only.</summary>
    private bool _ticking;

    /// <summary>Tick callbacks so far.</summary>
    private long _ticks;

    /// <summary>Tick callbacks so far (tests: none fires while there is nothing to fetch).</summary>
    public long TicksFired => Interlocked.Read(ref _ticks);

    /// <summary>True while the periodic tick is armed (tests).</summary>
    public bool Ticking => Volatile.Read(ref _ticking);

    public void Wake() => _signal.Writer.TryWrite(true);

    /// <summary>
    /// Pulsed after every round, so a test that drives a fake clock can let each step's round run before the next
    /// step instead of racing the clock ahead of a loop that reacts late on a loaded machine.
    /// </summary>
    public P2P.Dht.ChangeSignal RoundEnded { get; } = new();

    public void Complete() => _signal.Writer.TryComplete();

    /// <summary>
    /// Runs rounds until <see cref="Complete"/>. The housekeeping tick is armed only while a session or a want exists:
    /// stalls, the endgame, not-found timeouts and repeated provider searches all belong to a fetch, and every other
    /// change (a peer connecting or leaving, a session opening or closing, a block or a have arriving) wakes the loop
    /// itself. Ticking always, an idle daemon ran 50 rounds a second on the thread pool for nothing
    /// (docs/perf/fetch-path.md, "Idle CPU").
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var reader = _signal.Reader;
        await using var tick = time.CreateTimer(static s => ((WantScheduler)s!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        while (await reader.WaitToReadAsync(ct))
        {
            reader.TryRead(out _);
            var busy = _ticking;
            try
            {
                busy = await RoundAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep scheduling: a failure here would otherwise leave every fetch waiting forever.
                logger.LogError(ex, "Exchange scheduling round failed");
            }
            if (busy != _ticking)
            {
                var period = busy ? options.TickInterval : Timeout.InfiniteTimeSpan;
                tick.Change(period, period);
                Volatile.Write(ref _ticking, busy);
            }
            RoundEnded.Pulse();
        }
    }

    private void OnTick()
    {
        Interlocked.Increment(ref _ticks);
        Wake();
    }

    /// <summary>One round; returns whether a session or a want is left (the tick keeps running).</summary>
    private async Task<bool> RoundAsync()
    {
        bool busy;
        List<(PendingWant Want, List<PeerState> Asked, Exception Why)> failed = [];
        List<ExchangeSession> searches = [];
        Dictionary<PeerState, List<byte[]>> wantBlocks = [];
        lock (book.Gate)
        {
            var now = time.GetTimestamp();
            ledger.PrunePeriodicallyLocked(now);
            DropStalledLocked(now);
            ReadmitLocked(now);
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
            busy = book.SessionsLocked.Count > 0 || book.OrderLocked.Count > 0;
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
        return busy;
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

    /// <summary>
    /// A peer with requests outstanding that has answered nothing for the stall timeout loses them and is excluded
    /// from every session (<see cref="ReadmitLocked"/> may let it back into a session that has nobody else).
    /// </summary>
    private void DropStalledLocked(long now)
    {
        foreach (var peer in ledger.PeersLocked)
        {
            if (peer.InFlight.Count == 0 || time.GetElapsedTime(peer.LastProgress, now) < options.StallTimeout)
                continue;
            logger.LogInformation("Peer {PeerId} stalled with {Count} requests outstanding; asking others", peer.PeerId, peer.InFlight.Count);
            BlockExchange.NoteOutstanding(book, peer, departed: false);
            // The session's exclusion alone keeps the planner away from this peer; marking the wants as refused
            // too would outlast a readmission (refusals are a peer's don't-have, which stays true).
            book.ReassignLocked(peer);
            peer.Score -= 20;
            peer.Stalls++;
            peer.LastStall = now;
            foreach (var session in book.SessionsLocked)
                session.Excluded.Add(peer);
            if (peer.Score < options.DropScore)
                book.DropLocked(peer, ledger);
        }
    }

    /// <summary>
    /// A session whose every usable provider is excluded after a stall asks a stalled one again once a back-off has
    /// passed (the stall timeout, doubled for each earlier stall of that peer, at most 4x): a lone provider that was
    /// slow for a moment (a loaded machine, a GC pause) must not fail the fetch while it is still connected. A peer
    /// that keeps stalling falls below the drop score after three stalls and is dropped for good.
    /// </summary>
    private void ReadmitLocked(long now)
    {
        foreach (var session in book.SessionsLocked)
        {
            if (session.Excluded.Count == 0 || session.Providers.Any(p => p.Usable && !session.Excluded.Contains(p)))
                continue;
            foreach (var peer in session.Excluded)
            {
                var backOff = options.StallTimeout * (1 << Math.Clamp(peer.Stalls - 1, 0, 2));
                if (!peer.Usable || !session.Providers.Contains(peer) || time.GetElapsedTime(peer.LastStall, now) < backOff)
                    continue;
                session.Excluded.Remove(peer);
                logger.LogInformation("Asking {PeerId} again after its stall: no other provider is left for {Root}", peer.PeerId, session.Root);
                break;
            }
        }
    }
}
