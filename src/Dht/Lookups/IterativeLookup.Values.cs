namespace P2P.Dht.Lookups;

/// <summary>
/// The value side of a GET_VALUE lookup. Every value an answer carries is validated (an answer with an invalid value
/// counts as a failed request: its sender lied) and the newest by the namespace's validator is kept.
///
/// Early return: walking the lookup's candidates from the closest to the key, skipping the failed and the slow ones,
/// every one passed must have answered, until at least <c>quorum</c> of them (the node's own stored copy counting as
/// one) answered with the newest value seen and at least 2 × quorum answers were passed. Why this is safe enough: the
/// values live on the k nodes closest to the key, which the walk reaches first; a stale or absent answer does not stop
/// the walk, it only has to be passed, so a liar costs nothing but its own answer; a forged value fails validation and
/// its sender counts as failed. To return a stale value every answer in the walk's prefix of 2 × quorum must come from
/// liars (or nodes that missed the update), about f^(2·quorum) for a fraction f of liars spread over the key space; with
/// quorum alone as the prefix, colluders that sit closest to a key won 1.1 % of resolves in the 1,000-node simulation
/// at f = 0.2. What remains is an eclipse (every node one path reaches names only colluders, which then agree on their
/// stale value): value lookups therefore run on <see cref="DhtOptions.ValueDisjointPaths"/> disjoint paths (2), and
/// the walk runs over all of them together, so one captured path cannot outvote the others' honest answers
/// (with one path 6 % of resolves returned the stale value at 10,000 nodes and f = 0.2; docs/DHT.md has the figures).
/// Compare kubo, which waits for 16 of 20 answers.
/// </summary>
internal sealed partial class IterativeLookup
{
    /// <summary>The walk passes at least this many answers per quorum member (see the type's remarks).</summary>
    private const int WalkFactor = 2;

    private ReadOnlyMemory<byte> _valueKey;
    private bool _wantValue;
    private int _quorum;
    /// <summary>The newest valid value seen (the local copy at first). Guarded by _gate.</summary>
    private byte[]? _best;
    /// <summary>The node's own store holds <see cref="_best"/>. Guarded by _gate.</summary>
    private bool _localHoldsBest;
    /// <summary>Answers that carried a value the validator refused (Interlocked: counted outside _gate).</summary>
    private int _invalidValues;

    /// <summary>
    /// GET_VALUE lookup of <paramref name="key"/>; <paramref name="local"/> is the node's own valid copy, if any.
    /// Ends early once <paramref name="quorum"/> answers agree on the newest value (see the type's remarks).
    /// </summary>
    public static async Task<ValueLookupOutcome> GetValueAsync(
        ILookupHost host, ReadOnlyMemory<byte> key, byte[]? local, int quorum, IReadOnlyList<Contact> seeds, CancellationToken ct)
    {
        var paths = Math.Min(host.Options.K, Math.Max(host.Options.DisjointPaths, host.Options.ValueDisjointPaths));
        var lookup = new IterativeLookup(host, Key.Hash(key.Span), default, wantProviders: false, 0, paths)
        {
            _valueKey = key,
            _wantValue = true,
            _quorum = quorum,
            _best = local,
            _localHoldsBest = local is not null,
        };
        var result = await lookup.RunAsync(seeds, ct);
        lock (lookup._gate) return lookup.Outcome(result);
    }

    /// <summary>True when the value is absent or valid for the key. Called outside _gate (validation may verify a signature).</summary>
    private bool AcceptableValue(byte[]? value)
    {
        if (value is null) return true;
        if (value.Length <= _options.MaxValueSize && _options.Validators.Validate(_valueKey.Span, value, out _)) return true;
        Interlocked.Increment(ref _invalidValues);
        return false;
    }

    /// <summary>Records the valid value a candidate answered with and keeps the newest. Caller holds _gate.</summary>
    private void TakeValue(Candidate from, byte[] value)
    {
        from.Value = value;
        if (_best is null)
        {
            _best = value;
            return;
        }
        if (value.AsSpan().SequenceEqual(_best)) return;
        var validator = _options.Validators.For(_valueKey.Span);
        if (validator is not null && validator.Compare(_valueKey.Span, value, _best) > 0)
        {
            _best = value;
            _localHoldsBest = false;
        }
    }

    /// <summary>
    /// Requests in flight per path while converging: α, except in a value lookup that has seen a value, which is then
    /// next to the holders and asks as many of the closest at once as its early return has to pass (2 × quorum), so
    /// the walk's answers come in one round instead of α at a time. Caller holds _gate.
    /// </summary>
    private int ConvergenceWidth() =>
        _wantValue && _best is not null ? Math.Max(_options.Alpha, Math.Min(_options.K, WalkFactor * _quorum)) : _options.Alpha;

    /// <summary>The early-return rule of the type's remarks. Caller holds _gate.</summary>
    private bool QuorumReached()
    {
        if (_best is null) return false;
        var agreed = _localHoldsBest ? 1 : 0;
        var passed = 0;
        var wanted = Math.Min(_options.K, WalkFactor * _quorum);
        foreach (var c in ByDistance())
        {
            if (agreed >= _quorum && passed >= wanted) return true;
            if (c.Excluded) continue;
            if (c.State != CandidateState.Answered) return false;
            passed++;
            if (Holds(c, _best)) agreed++;
        }
        return agreed >= _quorum && passed >= wanted;
    }

    /// <summary>Every candidate of every path, closest to the key first. Caller holds _gate.</summary>
    private IEnumerable<Candidate> ByDistance()
    {
        if (_paths.Length == 1) return _paths[0];
        var all = new List<Candidate>();
        foreach (var list in _paths) all.AddRange(list);
        all.Sort(static (a, b) => a.Distance.CompareTo(b.Distance));
        return all;
    }

    private static bool Holds(Candidate c, byte[] value) => c.Value is not null && c.Value.AsSpan().SequenceEqual(value);

    /// <summary>
    /// The result, how many answers agreed on it, and the nodes to send it to (go-libp2p-kad-dht's fix-up): those that
    /// answered with an older value, and those that answered without one although they are closer to the key than a
    /// node that holds the newest (they missed a publication; nodes farther out are not meant to hold it). Only the k
    /// closest that answered are considered. Caller holds _gate.
    /// </summary>
    private ValueLookupOutcome Outcome(LookupResult result)
    {
        var agreed = _localHoldsBest ? 1 : 0;
        var outdated = new List<Contact>();
        if (_best is not null)
        {
            var without = new List<Contact>();
            var rank = 0;
            foreach (var c in ByDistance())
            {
                if (c.State != CandidateState.Answered) continue;
                if (Holds(c, _best))
                {
                    agreed++;
                    if (rank < _options.K) outdated.AddRange(without);
                    without.Clear();
                }
                else if (rank < _options.K && c.Value is not null) outdated.Add(c.Contact);
                else if (rank < _options.K) without.Add(c.Contact);
                rank++;
            }
        }
        return new ValueLookupOutcome(result, _best, agreed, outdated, Volatile.Read(ref _invalidValues));
    }
}
