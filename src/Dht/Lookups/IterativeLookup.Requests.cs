using P2P.Dht.Network;

namespace P2P.Dht.Lookups;

/// <summary>The request side of a lookup: sending, timing out and merging replies.</summary>
internal sealed partial class IterativeLookup
{
    private async Task QueryAsync(Candidate candidate, CancellationToken ct)
    {
        var time = _host.Time;
        var started = time.GetTimestamp();
        IReadOnlyList<Contact>? closer = null;
        IReadOnlyList<Contact>? providers = null;
        var answered = false;
        using (var timeout = new CancellationTokenSource(_options.RequestTimeout, time))
        using (ct.Register(static s => ((CancellationTokenSource)s!).Cancel(), timeout))
        using (time.CreateTimer(static s => ((SlowMark)s!).Fire(), new SlowMark(this, candidate), _host.SlowAfter, Timeout.InfiniteTimeSpan))
        {
            try
            {
                if (_wantProviders)
                {
                    var reply = await _host.Network.GetProvidersAsync(candidate.Contact, _multihash, timeout.Token);
                    answered = reply is not null;
                    closer = reply?.Closer;
                    providers = reply?.Providers;
                }
                else
                {
                    closer = await _host.Network.FindNodeAsync(candidate.Contact, _target, timeout.Token);
                    answered = closer is not null;
                }
            }
            catch (OperationCanceledException)
            {
                answered = false;
            }
            catch (Exception)
            {
                // The network contract returns values for peer faults; anything else is a bug there,
                // but it must not hang the lookup, so it counts as no answer.
                answered = false;
            }
        }
        lock (_gate)
        {
            if (answered) Merge(candidate, closer!, providers);
            else
            {
                candidate.State = CandidateState.Failed;
                _failures++;
            }
            _triggerRound = Math.Max(_triggerRound, candidate.Round);
            _wake.TrySetResult();
        }
        _host.OnRequestOutcome(candidate.Contact, answered, time.GetElapsedTime(started));
    }

    /// <summary>Records an answer and adds the contacts it names. Caller holds _gate.</summary>
    private void Merge(Candidate from, IReadOnlyList<Contact> closer, IReadOnlyList<Contact>? providers)
    {
        from.State = CandidateState.Answered;
        var limit = Math.Min(closer.Count, _options.K);
        for (var i = 0; i < limit; i++) Offer(closer[i], from.Path);
        if (providers is null) return;
        var providerLimit = Math.Min(providers.Count, _options.K);
        for (var i = 0; i < providerLimit && _providers.Count < _maxProviders; i++)
        {
            if (_providerIds.Add(providers[i].Id)) _providers.Add(providers[i]);
        }
    }

    /// <summary>Adds a contact to a path unless seen before (by any path) or it is the local node. Caller holds _gate.</summary>
    private void Offer(Contact contact, int path)
    {
        if (contact.Id == _host.SelfId || _seen.ContainsKey(contact.Id)) return;
        var list = _paths[path];
        var distance = contact.Id.Xor(_target);
        if (list.Count >= _candidateCap && list[^1].Distance.CompareTo(distance) < 0) return;
        var candidate = new Candidate(contact, distance, path);
        _seen.Add(contact.Id, candidate);
        var lo = 0;
        var hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].Distance.CompareTo(distance) < 0) lo = mid + 1;
            else hi = mid;
        }
        list.Insert(lo, candidate);
        // Trim the farthest contact that was never asked: with the cap at 8k it can no longer matter.
        if (list.Count > _candidateCap && list[^1].State == CandidateState.Heard) list.RemoveAt(list.Count - 1);
    }

    private void MarkSlow(Candidate candidate)
    {
        lock (_gate)
        {
            if (candidate.State != CandidateState.Waiting) return;
            candidate.Slow = true;
            _triggerRound = Math.Max(_triggerRound, candidate.Round);
            _wake.TrySetResult();
        }
    }

    /// <summary>Timer state for the slow threshold of one request.</summary>
    private sealed class SlowMark(IterativeLookup lookup, Candidate candidate)
    {
        public void Fire() => lookup.MarkSlow(candidate);
    }
}
