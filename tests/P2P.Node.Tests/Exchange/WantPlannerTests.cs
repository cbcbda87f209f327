using Microsoft.Extensions.Time.Testing;
using P2P.Node.Exchange;
using P2P.Node.Exchange.Planning;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// The planner's decisions as data, without a transport: a snapshot and the time go in, assignments come out.
/// Peers are measured at 256 KiB blocks; a "fast" peer delivers 100 MB/s, a "slow" one 1 MB/s.
/// </summary>
public sealed class WantPlannerTests
{
    private const double Block = 256 * 1024;
    private static readonly PeerRate Fast = new(true, 100e6, Block, 0.001);
    private static readonly PeerRate Slow = new(true, 1e6, Block, 0.001);

    private readonly FakeTimeProvider _time = new();
    private readonly ExchangeOptions _options = new();

    private WantPlan Plan(IReadOnlyList<WantView> wants, IReadOnlyList<PeerView> peers, params SessionView[] sessions) =>
        new WantPlanner(_options, _time).Plan(new PlannerInput(wants, peers, sessions, _time.GetTimestamp()));

    private static PeerView Peer(PeerRate rate, int window = 8, bool usable = true, params PlannedRequest[] inFlight) =>
        new(usable, window, rate, inFlight, inFlight.Length == 0 ? 0 : inFlight.Max(r => r.Sequence) + 1);

    /// <summary>A want; by default one whose peer just let it go (nobody asked, and no "unassignable since" yet).</summary>
    private static WantView Want(int[]? asked = null, int[]? refused = null, long since = -1) =>
        new(0, asked ?? [], refused ?? [], asked is { Length: > 0 } ? -1 : since);

    private static SessionView Session(params int[] providers) => new(providers, [], Searching: false, LastSearch: 0);

    private static List<WantView> Wants(int count) => [.. Enumerable.Range(0, count).Select(_ => Want())];

    [Fact]
    public void Plan_FillsEachPeerUpToItsWindowAndNoFurther()
    {
        var plan = Plan(Wants(10), [Peer(Fast, window: 3), Peer(Fast, window: 2)], Session(0, 1));

        Assert.Equal(3, plan.Assignments.Count(a => a.Peer == 0));
        Assert.Equal(2, plan.Assignments.Count(a => a.Peer == 1));
        Assert.All(plan.Assignments, a => Assert.False(a.Endgame));
        // The five wants left over have nobody to ask from now on.
        Assert.Equal([5, 6, 7, 8, 9], plan.NewlyUnassignable);
    }

    [Fact]
    public void Plan_CountsRequestsAlreadyOutstandingAgainstTheWindow()
    {
        var busy = Peer(Fast, window: 2, inFlight: [new PlannedRequest(-1, 0, 0), new PlannedRequest(-1, 0, 1)]);

        var plan = Plan(Wants(3), [busy], Session(0));

        Assert.Empty(plan.Assignments);
        Assert.Equal([0, 1, 2], plan.NewlyUnassignable);
    }

    [Fact]
    public void Plan_PrefersTheFasterPeerInProportionToItsRate()
    {
        // Windows large enough that only the expected delivery time decides.
        var plan = Plan(Wants(20), [Peer(Slow, window: 32), Peer(Fast, window: 32)], Session(0, 1));

        Assert.Equal(20, plan.Assignments.Count);
        // 1 MB/s delivers a 256 KiB block in 0.26 s; 100 MB/s queues 20 blocks in 0.05 s: the slow peer gets none.
        Assert.All(plan.Assignments, a => Assert.Equal(1, a.Peer));
    }

    [Fact]
    public void Plan_SpreadsOverPeersOfEqualRate()
    {
        var plan = Plan(Wants(8), [Peer(Fast, window: 32), Peer(Fast, window: 32)], Session(0, 1));

        Assert.Equal(4, plan.Assignments.Count(a => a.Peer == 0));
        Assert.Equal(4, plan.Assignments.Count(a => a.Peer == 1));
    }

    [Fact]
    public void Plan_TriesAnUnmeasuredPeerBeforeAKnownSlowOne()
    {
        var plan = Plan(Wants(1), [Peer(Slow), Peer(PeerRate.Unmeasured)], Session(0, 1));

        Assert.Equal(1, Assert.Single(plan.Assignments).Peer);
    }

    [Fact]
    public void Plan_NeverAsksAPeerThatSaidDontHave()
    {
        var plan = Plan([Want(refused: [1])], [Peer(Slow), Peer(Fast)], Session(0, 1));

        Assert.Equal(0, Assert.Single(plan.Assignments).Peer);
    }

    [Fact]
    public void Plan_SkipsUnusableAndExcludedPeers()
    {
        var session = new SessionView([0, 1, 2], [1], Searching: false, LastSearch: 0);

        var plan = Plan(Wants(1), [Peer(Fast, usable: false), Peer(Fast), Peer(Slow)], session);

        Assert.Equal(2, Assert.Single(plan.Assignments).Peer);
    }

    [Fact]
    public void Plan_AsksOnlyPeersOfTheWantsSession()
    {
        var plan = Plan(Wants(1), [Peer(Fast), Peer(Slow)], Session(1), Session(0));

        Assert.Equal(1, Assert.Single(plan.Assignments).Peer);
    }

    [Fact]
    public void Plan_GivesRequestsSequenceNumbersAfterThePeersOwn()
    {
        // An endgame check of a want planned this round sees the requests planned before it as ahead of it.
        var plan = Plan(Wants(2), [Peer(Fast, window: 8, inFlight: [new PlannedRequest(-1, 0, 41)])], Session(0));

        Assert.Equal([0, 1], plan.Assignments.Select(a => a.Want));
    }

    [Fact]
    public void Endgame_DuplicatesAnOverdueRequestAtASecondPeer()
    {
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        // Want 0 waits at peer 0 (fast: 5 ms expected) for a second: overdue, so peer 1 is asked too.
        var peers = new[] { Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]), Peer(Fast) };

        var plan = Plan([Want(asked: [0])], peers, Session(0, 1));

        var duplicate = Assert.Single(plan.Assignments);
        Assert.Equal(new Assignment(0, 1, Endgame: true), duplicate);
    }

    [Fact]
    public void Endgame_DuplicatesARequestQueuedBehindASlowPeer()
    {
        // Four wants in a slow peer's queue (0.26-1 s to go); an idle fast peer would deliver each in a few ms. It
        // takes the oldest ones, as many as keep it from running dry (the minimum window), no more.
        var now = _time.GetTimestamp();
        var queue = Enumerable.Range(0, 4).Select(w => new PlannedRequest(w, now, w)).ToArray();
        var wants = Enumerable.Range(0, 4).Select(_ => Want(asked: [0])).ToList();

        var plan = Plan(wants, [Peer(Slow, inFlight: queue), Peer(Fast)], Session(0, 1));

        Assert.All(plan.Assignments, a => Assert.Equal((1, true), (a.Peer, a.Endgame)));
        Assert.Equal(Enumerable.Range(0, _options.MinInFlightPerPeer), plan.Assignments.Select(a => a.Want));
    }

    [Fact]
    public void Endgame_LeavesAPeerWithItsOwnRequestsAlone()
    {
        // Want 0 is overdue at peer 0; peer 1 has room in its window but two requests of its own outstanding, so it
        // is not running dry: a duplicate there would cost a block sent twice while both peers are busy anyway.
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        var now = _time.GetTimestamp();
        var busy = Peer(Fast, window: 8, inFlight: [new PlannedRequest(1, now, 0), new PlannedRequest(2, now, 1)]);
        var peers = new[] { Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]), busy };

        var plan = Plan([Want(asked: [0]), Want(asked: [1]), Want(asked: [1])], peers, Session(0, 1));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Endgame_DuplicatesOnlyTheWantsAtTheHeadOfTheSession()
    {
        // The session's two oldest wants are at peer 1, sent just now (about to arrive); the ones after them are
        // overdue at peer 0 and peer 2 is idle. The reader needs the oldest first, so with at most two duplicates
        // the late wants behind them are not asked twice.
        _options.EndgameMaxDuplicates = 2;
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        var now = _time.GetTimestamp();
        var head = _options.EndgameMaxDuplicates;
        var wants = Enumerable.Range(0, head + 4).Select(w => Want(asked: w < head ? [1] : [0])).ToList();
        var peers = new[]
        {
            Peer(Fast, window: 32, inFlight: [.. Enumerable.Range(head, 4).Select(w => new PlannedRequest(w, sentAt, w))]),
            Peer(Fast, window: 32, inFlight: [.. Enumerable.Range(0, head).Select(w => new PlannedRequest(w, now, w))]),
            Peer(Fast),
        };

        var plan = Plan(wants, peers, Session(0, 1, 2));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Endgame_DuplicatesOntoAPeerOnceItRunsDry()
    {
        // As above, but peer 1 is down to one request: it takes the overdue want as its second.
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        var peers = new[]
        {
            Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]),
            Peer(Fast, window: 8, inFlight: [new PlannedRequest(1, _time.GetTimestamp(), 0)]),
        };

        var plan = Plan([Want(asked: [0]), Want(asked: [1])], peers, Session(0, 1));

        Assert.Equal(new Assignment(0, 1, Endgame: true), Assert.Single(plan.Assignments));
    }

    [Fact]
    public void Endgame_LeavesARequestAloneWhenItsPeerIsAboutToDeliver()
    {
        var now = _time.GetTimestamp();
        var peers = new[] { Peer(Fast, inFlight: [new PlannedRequest(0, now, 0)]), Peer(Fast) };

        var plan = Plan([Want(asked: [0])], peers, Session(0, 1));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Endgame_LeavesARequestAloneThroughASchedulingHiccup()
    {
        // 150 ms for a block a fast peer delivers in 4 ms: on a loaded machine that is a process waiting for a core,
        // not a stall; a duplicate would be a block sent twice (the default EndgameDelay covers it).
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(150));
        var peers = new[] { Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]), Peer(Fast) };

        var plan = Plan([Want(asked: [0])], peers, Session(0, 1));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Endgame_WaitsUntilEveryWantHasAPeer()
    {
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        // Want 0 is overdue, but want 1 is refused everywhere: the free window is not spent on a duplicate.
        var peers = new[] { Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]), Peer(Fast) };

        var plan = Plan([Want(asked: [0]), Want(refused: [0, 1])], peers, Session(0, 1));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Endgame_AsksAtMostTheConfiguredNumberOfPeers()
    {
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        var peers = new[]
        {
            Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]),
            Peer(Fast, inFlight: [new PlannedRequest(0, sentAt, 0)]),
            Peer(Fast),
        };

        var plan = Plan([Want(asked: [0, 1])], peers, Session(0, 1, 2));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Endgame_DuplicatesAtMostTheConfiguredNumberOfWantsOldestFirst()
    {
        // A reader's whole read-ahead (20 wants) sits overdue at one peer while five idle peers could take two each:
        // only the oldest wants, which hold the reader up, are asked twice; each duplicate costs a block.
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        var queue = Enumerable.Range(0, 20).Select(w => new PlannedRequest(w, sentAt, w)).ToArray();
        var wants = Enumerable.Range(0, 20).Select(_ => Want(asked: [0])).ToList();
        var peers = new[] { Peer(Fast, window: 32, inFlight: queue), Peer(Fast), Peer(Fast), Peer(Fast), Peer(Fast), Peer(Fast) };
        Assert.True(5 * _options.MinInFlightPerPeer > _options.EndgameMaxDuplicates);

        var plan = Plan(wants, peers, Session(0, 1, 2, 3, 4, 5));

        Assert.Equal(_options.EndgameMaxDuplicates, plan.Assignments.Count);
        Assert.All(plan.Assignments, a => Assert.True(a.Endgame));
        Assert.Equal(Enumerable.Range(0, _options.EndgameMaxDuplicates), plan.Assignments.Select(a => a.Want).Order());
    }

    [Fact]
    public void Endgame_CountsDuplicatesAlreadyOutstandingAgainstTheLimit()
    {
        var sentAt = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromSeconds(1));
        var limit = _options.EndgameMaxDuplicates;
        // The first `limit` wants are already at peers 0 and 1; the rest at peer 0 only, overdue too.
        var atBoth = Enumerable.Range(0, limit).Select(w => new PlannedRequest(w, sentAt, w)).ToArray();
        var queue = Enumerable.Range(0, limit + 4).Select(w => new PlannedRequest(w, sentAt, w)).ToArray();
        var wants = Enumerable.Range(0, limit + 4).Select(w => Want(asked: w < limit ? [0, 1] : [0])).ToList();
        var peers = new[] { Peer(Fast, window: 32, inFlight: queue), Peer(Fast, window: 32, inFlight: atBoth), Peer(Fast) };

        var plan = Plan(wants, peers, Session(0, 1, 2));

        Assert.Empty(plan.Assignments);
    }

    [Fact]
    public void Losers_AreEveryPeerAskedButTheOneThatDelivered()
    {
        object a = "a", b = "b", c = "c";

        Assert.Equal([a, c], WantPlanner.Losers([a, b, c], b));
        Assert.Empty(WantPlanner.Losers([b], b));
    }

    [Fact]
    public void Plan_FailsAWantNobodyCouldBeAskedForDuringTheTimeout()
    {
        var since = _time.GetTimestamp();
        _time.Advance(_options.NotFoundTimeout);

        var plan = Plan([Want(since: since), Want(since: _time.GetTimestamp())], [], Session());

        Assert.Equal([0], plan.Failed);
    }

    [Fact]
    public void Plan_SearchesAgainForASessionWithAWantNobodyHas()
    {
        _time.Advance(_options.ProviderSearchInterval);
        var idle = new SessionView([], [], Searching: false, LastSearch: 0);
        var searching = new SessionView([], [], Searching: true, LastSearch: 0);

        var plan = new WantPlanner(_options, _time).Plan(new PlannerInput(
            [new WantView(0, [], [], _time.GetTimestamp()), new WantView(1, [], [], _time.GetTimestamp())],
            [], [idle, searching], _time.GetTimestamp()));

        Assert.Equal([0], plan.Searches);
    }

    [Fact]
    public void Plan_DoesNotSearchBeforeTheInterval()
    {
        var plan = Plan(Wants(1), [], new SessionView([], [], Searching: false, LastSearch: _time.GetTimestamp()));

        Assert.Empty(plan.Searches);
    }
}
