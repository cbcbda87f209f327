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
        byte[]? value = null;
        var answered = false;
        var slowAfter = _host.SlowAfter;
        var onSlow = () => MarkSlow(candidate);
        if (_wantValue)
        {
            var reply = await Retransmitter.SendAsync(
                time, slowAfter, _options.RequestTimeout, _options.Retransmit,
                t => CountedSend(() => _host.Network.GetValueAsync(candidate.Contact, _valueKey, t)), onSlow, ct);
            answered = reply is not null && AcceptableValue(reply.Value);
            closer = reply?.Closer;
            value = reply?.Value;
        }
        else if (_wantProviders)
        {
            var reply = await Retransmitter.SendAsync(
                time, slowAfter, _options.RequestTimeout, _options.Retransmit,
                t => CountedSend(() => _host.Network.GetProvidersAsync(candidate.Contact, _multihash, t)), onSlow, ct);
            answered = reply is not null;
            closer = reply?.Closer;
            providers = reply?.Providers;
        }
        else
        {
            closer = await Retransmitter.SendAsync(
                time, slowAfter, _options.RequestTimeout, _options.Retransmit,
                t => CountedSend(() => _host.Network.FindNodeAsync(candidate.Contact, _target, t)), onSlow, ct);
            answered = closer is not null;
        }
        if (answered && _options.VerifyContactIds && (!IdsBound(closer!) || (providers is not null && !IdsBound(providers))))
            answered = false;
        bool retransmitted;
        lock (_gate)
        {
            retransmitted = _options.Retransmit && candidate.Slow;
            if (answered)
            {
                Merge(candidate, closer!, providers);
                if (value is not null) TakeValue(candidate, value);
            }
            else
            {
                candidate.State = CandidateState.Failed;
                _failures++;
            }
            _triggerRound = Math.Max(_triggerRound, candidate.Round);
            _wake.TrySetResult();
        }
        // Karn's rule: the round trip of a retransmitted request is ambiguous, so it is not sampled.
        _host.OnRequestOutcome(candidate.Contact, answered, retransmitted ? null : time.GetElapsedTime(started));
    }

    /// <summary>Counts every datagram request, retransmissions included.</summary>
    private Task<T> CountedSend<T>(Func<Task<T>> send)
    {
        Interlocked.Increment(ref _sent);
        return send();
    }

    /// <summary>Records an answer and adds the contacts it names. Caller holds _gate.</summary>
    private void Merge(Candidate from, IReadOnlyList<Contact> closer, IReadOnlyList<Contact>? providers)
    {
        from.State = CandidateState.Answered;
        var limit = Math.Min(closer.Count, _options.K);
        for (var i = 0; i < limit; i++) Offer(closer[i], from.Path);
        if (providers is not null) Claim(from, providers);
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

    /// <summary>True when every contact's id is SHA-256 of its identity (only the first k are used, so only they are checked).</summary>
    private bool IdsBound(IReadOnlyList<Contact> contacts)
    {
        var limit = Math.Min(contacts.Count, _options.K);
        for (var i = 0; i < limit; i++)
            if (!contacts[i].IdMatchesIdentity) return false;
        return true;
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
}
