namespace P2P.Node.Exchange.Planning;

/// <summary>
/// Decides which peer each want is asked of, with no lock, no I/O and no clock of its own: a snapshot and the time
/// go in, decisions come out (anacrolix/torrent's request strategy; boxo's session want manager). The exchange
/// copies its state into a <see cref="PlannerInput"/> under its lock, plans, and applies the plan in the same
/// order, so the sequence numbers the planner gave its requests are the ones the peers' books record.
/// The rules, in order:
/// <list type="number">
/// <item>A want nobody has outstanding goes to the session peer with room in its window that would deliver it
/// soonest (the queue ahead of the request over its measured rate), so faster peers get proportionally more.
/// Peers that said don't-have, stalled or lied for that want are never asked; nor excluded or unusable ones.</item>
/// <item>Endgame (BitTorrent), only once every want has a peer: a request is also sent to a second peer that is
/// running dry (fewer than <see cref="ExchangeOptions.MinInFlightPerPeer"/> requests outstanding) when it would
/// arrive there in under half the time it still needs where it waits, or when it is overdue (twice the expected
/// time plus <see cref="ExchangeOptions.EndgameDelay"/>, a stall in the making). The first copy to arrive wins and
/// the others are cancelled (<see cref="Losers{T}"/>). At most <see cref="ExchangeOptions.EndgameMaxDuplicates"/>
/// wants are outstanding twice at once, and only among each session's oldest as many (they hold up the reader). With a reader's read-ahead
/// smaller than the peers' windows every want has a peer nearly all the time, so the endgame is not just the end of
/// a file; and a cancel reaches an uncapped peer after it sent the block, so every duplicate is a block sent twice.
/// Hence only a peer that would otherwise go idle takes duplicates: the reader waiting on a late block (its
/// read-ahead used up, the other peers draining) or the last blocks of a fetch. Any peer with room took them before,
/// and four uncapped providers on loopback sent 97 of 1031 blocks twice, on a machine where every block costs the
/// CPU the fetch runs short of (docs/perf/multi-provider.md, "Duplicates only on a peer running dry").</item>
/// <item>A want nobody could be asked for during <see cref="ExchangeOptions.NotFoundTimeout"/> fails.</item>
/// <item>A session with a want nobody can be asked for searches for providers again, at most once per
/// <see cref="ExchangeOptions.ProviderSearchInterval"/> and never while a search runs.</item>
/// </list>
/// </summary>
internal sealed class WantPlanner(ExchangeOptions options, TimeProvider time)
{
    /// <summary>The peers to send a cancel once <paramref name="winner"/> delivered: everyone else still asked.</summary>
    public static List<T> Losers<T>(IEnumerable<T> asked, T winner) where T : class =>
        [.. asked.Where(p => !ReferenceEquals(p, winner))];

    public WantPlan Plan(PlannerInput input)
    {
        var round = new Round(input);
        var allAssigned = true;
        for (var w = 0; w < input.Wants.Count; w++)
        {
            if (round.Asked[w].Count > 0)
                continue;
            var peer = Choose(round, w);
            if (peer < 0)
            {
                allAssigned = false;
                if (round.Since[w] < 0)
                {
                    round.Since[w] = input.Now;
                    round.NewlyUnassignable.Add(w);
                }
                continue;
            }
            round.Assign(w, peer, endgame: false);
        }
        if (allAssigned)
            Endgame(round);
        var failed = new List<int>();
        var failedSet = new HashSet<int>();
        for (var w = 0; w < input.Wants.Count; w++)
        {
            if (round.Asked[w].Count == 0 && time.GetElapsedTime(round.Since[w], input.Now) >= options.NotFoundTimeout)
            {
                failed.Add(w);
                failedSet.Add(w);
            }
        }
        return new WantPlan(round.Assignments, round.NewlyUnassignable, failed, Searches(round, failedSet));
    }

    /// <summary>
    /// The usable session peer with room in its window (and, with <paramref name="dryBelow"/>, fewer requests than
    /// that outstanding) that would deliver soonest; -1 when there is none. On a tie the peer listed first in the
    /// session wins.
    /// </summary>
    private static int Choose(Round round, int w, int dryBelow = int.MaxValue)
    {
        var want = round.Input.Wants[w];
        var session = round.Input.Sessions[want.Session];
        var best = -1;
        var bestTime = double.MaxValue;
        foreach (var p in session.Providers)
        {
            var peer = round.Input.Peers[p];
            if (!peer.Usable || session.Excluded.Contains(p) || want.Refused.Contains(p) || round.Asked[w].Contains(p))
                continue;
            var queued = round.InFlight[p].Count;
            if (queued >= peer.Window || queued >= dryBelow)
                continue;
            var expected = peer.Rate.ExpectedSeconds(queued + 1);
            if (expected < bestTime)
            {
                best = p;
                bestTime = expected;
            }
        }
        return best;
    }

    private void Endgame(Round round)
    {
        // Most rounds of a steady fetch have no peer running dry: nothing to look at then.
        if (round.InFlight.All(q => q.Count >= options.MinInFlightPerPeer))
            return;
        var now = round.Input.Now;
        var duplicated = round.Asked.Count(a => a.Count > 1);
        var rank = new int[round.Input.Sessions.Count];
        for (var w = 0; w < round.Input.Wants.Count && duplicated < options.EndgameMaxDuplicates; w++)
        {
            // Only a session's oldest wants (in the order its reader asked for them) hold the reader up; a later
            // one that is late still has the time the reader needs to get to it.
            if (rank[round.Input.Wants[w].Session]++ >= options.EndgameMaxDuplicates)
                continue;
            var asked = round.Asked[w];
            if (asked.Count == 0 || asked.Count >= options.EndgameMaxPeersPerBlock)
                continue;
            var first = asked[0];
            var queue = round.InFlight[first];
            var index = queue.FindIndex(r => r.Want == w);
            if (index < 0)
                continue;
            var request = queue[index];
            var rate = round.Input.Peers[first].Rate;
            var waited = time.GetElapsedTime(request.SentAt, now).TotalSeconds;
            var ahead = queue.Count(r => r.Sequence < request.Sequence);
            var remaining = rate.ExpectedSeconds(ahead + 1) - waited;
            var overdue = waited >= 2 * rate.ExpectedSeconds(queue.Count) + options.EndgameDelay.TotalSeconds;
            var alternative = Choose(round, w, options.MinInFlightPerPeer);
            if (alternative < 0)
                continue;
            var there = round.Input.Peers[alternative].Rate.ExpectedSeconds(round.InFlight[alternative].Count + 1);
            if (overdue || there < remaining / 2)
            {
                if (asked.Count == 1)
                    duplicated++;
                round.Assign(w, alternative, endgame: true);
            }
        }
    }

    /// <summary>Sessions due a new provider search; failed wants no longer count as lacking a peer.</summary>
    private List<int> Searches(Round round, HashSet<int> failed)
    {
        var input = round.Input;
        var lacking = new HashSet<int>();
        for (var w = 0; w < input.Wants.Count; w++)
        {
            if (round.Asked[w].Count == 0 && !failed.Contains(w))
                lacking.Add(input.Wants[w].Session);
        }
        var searches = new List<int>();
        for (var s = 0; s < input.Sessions.Count; s++)
        {
            var session = input.Sessions[s];
            if (session.Searching || time.GetElapsedTime(session.LastSearch, input.Now) < options.ProviderSearchInterval)
                continue;
            if (lacking.Contains(s))
                searches.Add(s);
        }
        return searches;
    }

    /// <summary>The planner's scratch copy of what a round changes: who is asked, what is queued where.</summary>
    private sealed class Round
    {
        public Round(PlannerInput input)
        {
            Input = input;
            Asked = [.. input.Wants.Select(w => new List<int>(w.Asked))];
            Since = [.. input.Wants.Select(w => w.UnassignableSince)];
            InFlight = [.. input.Peers.Select(p => new List<PlannedRequest>(p.InFlight))];
            NextSequence = [.. input.Peers.Select(p => p.NextSequence)];
        }

        public PlannerInput Input { get; }

        public List<int>[] Asked { get; }

        public long[] Since { get; }

        public List<PlannedRequest>[] InFlight { get; }

        public long[] NextSequence { get; }

        public List<Assignment> Assignments { get; } = [];

        public List<int> NewlyUnassignable { get; } = [];

        public void Assign(int want, int peer, bool endgame)
        {
            Asked[want].Add(peer);
            Since[want] = -1;
            InFlight[peer].Add(new PlannedRequest(want, Input.Now, NextSequence[peer]++));
            Assignments.Add(new Assignment(want, peer, endgame));
        }
    }
}
