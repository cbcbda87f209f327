namespace P2P.Dht.Lookups;

/// <summary>
/// One iterative lookup (Kademlia section 2.3) with go-libp2p-kad-dht's termination: converge with α
/// requests in flight per path, always to the closest unqueried contact, until the β closest contacts
/// have answered; then ask every unqueried contact among the k closest at once, and repeat that until
/// the k closest have all answered. Failed contacts, and contacts slower than the RTT-based threshold,
/// are left out of "the closest" so that a dead node costs one slow threshold, not a timeout. With
/// <see cref="DhtOptions.DisjointPaths"/> = d the seeds are dealt to d paths and a contact belongs to
/// the first path that hears of it (S/Kademlia section 4.4).
/// </summary>
internal sealed partial class IterativeLookup
{
    private readonly ILookupHost _host;
    private readonly DhtOptions _options;
    private readonly Key _target;
    private readonly ReadOnlyMemory<byte> _multihash;
    private readonly bool _wantProviders;
    private readonly int _maxProviders;
    private readonly int _candidateCap;
    private readonly Lock _gate = new();

    /// <summary>Per path: candidates sorted by distance, closest first. Guarded by _gate.</summary>
    private readonly List<Candidate>[] _paths;
    /// <summary>Per path: the convergence phase is over. Guarded by _gate.</summary>
    private readonly bool[] _followUp;
    /// <summary>Per path: finished. Guarded by _gate.</summary>
    private readonly bool[] _done;
    /// <summary>Every contact heard of, by id (a contact belongs to one path). Guarded by _gate.</summary>
    private readonly Dictionary<Key, Candidate> _seen = [];
    /// <summary>Providers found, in arrival order. Guarded by _gate.</summary>
    private readonly List<Contact> _providers = [];
    private readonly HashSet<Key> _providerIds = [];
    /// <summary>Signalled on every answer, failure or slow mark. Replaced each loop turn; guarded by _gate.</summary>
    private TaskCompletionSource _wake = NewWake();
    /// <summary>Requests sent, retransmissions included (Interlocked: counted outside _gate).</summary>
    private int _sent;
    private int _failures;
    private int _rounds;
    /// <summary>
    /// Highest round among the requests whose outcome (answer, failure or slow mark) the loop has seen
    /// since its last turn: what the loop sends next is caused by them. Guarded by _gate.
    /// </summary>
    private int _triggerRound;

    private IterativeLookup(ILookupHost host, Key target, ReadOnlyMemory<byte> multihash, bool wantProviders, int maxProviders, int? paths = null)
    {
        _host = host;
        _options = host.Options;
        _target = target;
        _multihash = multihash;
        _wantProviders = wantProviders;
        _maxProviders = maxProviders;
        _candidateCap = Math.Max(8 * _options.K, 64);
        var d = paths ?? _options.DisjointPaths;
        _paths = new List<Candidate>[d];
        for (var i = 0; i < d; i++) _paths[i] = [];
        _followUp = new bool[d];
        _done = new bool[d];
    }

    /// <summary>FIND_NODE lookup of <paramref name="target"/> starting from <paramref name="seeds"/>.</summary>
    public static Task<LookupResult> FindNodeAsync(ILookupHost host, Key target, IReadOnlyList<Contact> seeds, CancellationToken ct, int? paths = null) =>
        new IterativeLookup(host, target, default, wantProviders: false, 0, paths).RunAsync(seeds, ct);

    /// <summary>
    /// GET_PROVIDERS lookup; stops early once <paramref name="maxProviders"/> distinct providers are found.
    /// <paramref name="known"/> are providers the node already trusts (its own records), counted from the start.
    /// <paramref name="onProvider"/>, when given, hears of each provider as it is accepted (see <see cref="Accept"/>).
    /// </summary>
    public static Task<LookupResult> GetProvidersAsync(
        ILookupHost host, ReadOnlyMemory<byte> multihash, int maxProviders, IReadOnlyList<Contact> seeds,
        IReadOnlyList<Contact> known, Action<Contact>? onProvider, CancellationToken ct)
    {
        var lookup = new IterativeLookup(host, Key.Hash(multihash.Span), multihash, wantProviders: true, maxProviders)
        {
            _onProvider = onProvider,
        };
        foreach (var provider in known) lookup.Accept(provider);
        return lookup.RunAsync(seeds, ct);
    }

    private async Task<LookupResult> RunAsync(IReadOnlyList<Contact> seeds, CancellationToken ct)
    {
        var time = _host.Time;
        var started = time.GetTimestamp();
        var launch = new List<Candidate>();
        var checks = new List<(ProviderSource Source, Contact Provider)>();
        lock (_gate)
        {
            for (var i = 0; i < seeds.Count; i++)
                Offer(seeds[i], i % _paths.Length);
        }
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                Task wake;
                lock (_gate)
                {
                    launch.Clear();
                    checks.Clear();
                    // A value lookup may end before its paths do (see IterativeLookup.Values.cs).
                    if (_wantValue && QuorumReached()) break;
                    var finished = true;
                    for (var p = 0; p < _paths.Length; p++)
                    {
                        if (!_done[p]) Advance(p, launch);
                        finished &= _done[p];
                    }
                    if (_wantProviders) PickChecks(checks);
                    if (_wantProviders && _providers.Count >= _maxProviders) finished = true;
                    // A provider lookup short of its wanted count waits for its slow requests (each ends by
                    // RequestTimeout): on a lossy path the holders of a record are exactly the contacts whose
                    // request or reply was lost and retransmitted, and leaving them out cost most lookups in a
                    // small swarm at 20 % loss. Only a dead or slow contact costs time; FIND_NODE ends as before.
                    // It waits for its provider checks the same way.
                    if (finished && _wantProviders && _providers.Count < _maxProviders && (AnyWaiting() || ChecksOpen()))
                        finished = false;
                    if (finished) break;
                    _wake = NewWake();
                    wake = _wake.Task;
                    foreach (var candidate in launch)
                    {
                        candidate.State = CandidateState.Waiting;
                        candidate.Round = _triggerRound + 1;
                        _rounds = Math.Max(_rounds, candidate.Round);
                    }
                    _triggerRound = 0;
                }
                foreach (var candidate in launch) _ = QueryAsync(candidate, ct);
                foreach (var (source, provider) in checks) _ = CheckAsync(source, provider);
                await wake.WaitAsync(ct);
            }
        }
        finally
        {
            // Checks still running cannot change the result any more.
            _checksOver.Cancel();
        }
        lock (_gate)
        {
            return new LookupResult(
                _target, CollectClosest(), [.. _providers], _rounds, Volatile.Read(ref _sent), _failures, time.GetElapsedTime(started));
        }
    }

    /// <summary>Decides what path <paramref name="p"/> sends next, or that it is done. Caller holds _gate.</summary>
    private void Advance(int p, List<Candidate> launch)
    {
        var list = _paths[p];
        if (!_followUp[p])
        {
            if (BetaClosestAnswered(list)) _followUp[p] = true;
            else
            {
                var active = 0;
                foreach (var c in list)
                    if (c.State == CandidateState.Waiting && !c.Slow) active++;
                var alpha = ConvergenceWidth();
                for (var i = 0; i < list.Count && active < alpha; i++)
                {
                    if (list[i].State != CandidateState.Heard) continue;
                    launch.Add(list[i]);
                    active++;
                }
                if (active == 0) _done[p] = true;
                return;
            }
        }
        var counted = 0;
        var settled = true;
        foreach (var c in list)
        {
            if (c.Excluded) continue;
            if (++counted > _options.K) break;
            if (c.State == CandidateState.Heard)
            {
                launch.Add(c);
                settled = false;
            }
            else if (c.State == CandidateState.Waiting) settled = false;
        }
        if (settled) _done[p] = true;
    }

    /// <summary>True while some request of this lookup has neither answered nor failed. Caller holds _gate.</summary>
    private bool AnyWaiting()
    {
        foreach (var list in _paths)
            foreach (var c in list)
                if (c.State == CandidateState.Waiting) return true;
        return false;
    }

    private bool BetaClosestAnswered(List<Candidate> list)
    {
        var counted = 0;
        foreach (var c in list)
        {
            if (c.Excluded) continue;
            if (c.State != CandidateState.Answered) return false;
            if (++counted >= Math.Min(_options.Beta, _options.K)) return true;
        }
        return true;
    }

    private List<Contact> CollectClosest()
    {
        var answered = new List<Candidate>();
        foreach (var list in _paths)
            foreach (var c in list)
                if (c.State == CandidateState.Answered) answered.Add(c);
        answered.Sort(static (a, b) => a.Distance.CompareTo(b.Distance));
        var count = Math.Min(_options.K, answered.Count);
        var result = new List<Contact>(count);
        for (var i = 0; i < count; i++) result.Add(answered[i].Contact);
        return result;
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
