using System.Net;

namespace P2P.Dht.Lookups;

/// <summary>
/// The provider side of a GET_PROVIDERS lookup. With <see cref="DhtOptions.VerifyProviders"/> a named provider
/// counts only once it answers a ping: the claims of each responder are checked in turn, the responder that has
/// had the fewest checks first (the closer one on a tie), so twenty phantoms in the first reply cannot crowd out
/// the one true provider in the next. A responder gets one check at a time until one of its providers answers,
/// then up to α; after one of its providers fails it gets none. Without the option, providers count as named.
/// </summary>
internal sealed partial class IterativeLookup
{
    /// <summary>Responders that named providers, in the order they answered. Guarded by _gate.</summary>
    private readonly List<ProviderSource> _sources = [];
    /// <summary>
    /// Claims being checked, and claims whose check failed, by provider and address. Guarded by _gate. Queued claims
    /// are not shared between responders: a liar that names a true provider first must not keep it from the honest
    /// responder that names it too, in case the liar is cut off before its claim is checked.
    /// </summary>
    private readonly HashSet<(Key Id, IPEndPoint EndPoint)> _checking = [];
    private readonly HashSet<(Key Id, IPEndPoint EndPoint)> _failedChecks = [];
    /// <summary>Ends the checks still running when the lookup returns.</summary>
    private readonly CancellationTokenSource _checksOver = new();
    /// <summary>Hears of each accepted provider at once, under the lookup's lock: it must only hand it on.</summary>
    private Action<Contact>? _onProvider;
    private int _checksLaunched;
    private int _checksInFlight;

    /// <summary>Takes the providers a responder named. Caller holds _gate.</summary>
    private void Claim(Candidate from, IReadOnlyList<Contact> providers)
    {
        var limit = Math.Min(providers.Count, _options.K);
        ProviderSource? source = null;
        for (var i = 0; i < limit; i++)
        {
            var provider = providers[i];
            if (provider.Id == from.Contact.Id)
            {
                // The responder names itself: it has just answered at this address, which is the one to keep.
                Accept(from.Contact);
                continue;
            }
            if (!_options.VerifyProviders || provider.Id == _host.SelfId)
            {
                Accept(provider);
                continue;
            }
            if (_providerIds.Contains(provider.Id) || _failedChecks.Contains((provider.Id, provider.EndPoint))) continue;
            source ??= new ProviderSource(from.Distance);
            source.Claims.Enqueue(provider);
        }
        if (source is not null) _sources.Add(source);
    }

    /// <summary>Adds a provider to the result unless it is full or holds it already. Caller holds _gate.</summary>
    private void Accept(Contact provider)
    {
        if (_providers.Count >= _maxProviders || !_providerIds.Add(provider.Id)) return;
        _providers.Add(provider);
        _onProvider?.Invoke(provider);
    }

    /// <summary>Picks the checks to send now. Caller holds _gate.</summary>
    private void PickChecks(List<(ProviderSource Source, Contact Provider)> launch)
    {
        if (_providers.Count >= _maxProviders) return;
        while (_checksLaunched < _options.MaxProviderChecks)
        {
            ProviderSource? best = null;
            foreach (var s in _sources)
            {
                if (!s.CanLaunch(_options.Alpha)) continue;
                if (best is null || s.Launched < best.Launched
                    || (s.Launched == best.Launched && s.Distance.CompareTo(best.Distance) < 0))
                    best = s;
            }
            if (best is null) return;
            var provider = best.Claims.Dequeue();
            var claim = (provider.Id, provider.EndPoint);
            if (_providerIds.Contains(provider.Id) || _failedChecks.Contains(claim) || !_checking.Add(claim)) continue;
            best.InFlight++;
            best.Launched++;
            _checksLaunched++;
            _checksInFlight++;
            launch.Add((best, provider));
        }
    }

    /// <summary>True while a check runs or one could still be sent. Caller holds _gate.</summary>
    private bool ChecksOpen()
    {
        if (_checksInFlight > 0) return true;
        if (_checksLaunched >= _options.MaxProviderChecks) return false;
        foreach (var s in _sources)
            if (s.CanLaunch(_options.Alpha)) return true;
        return false;
    }

    private async Task CheckAsync(ProviderSource source, Contact provider)
    {
        var time = _host.Time;
        var started = time.GetTimestamp();
        Contact? answer = null;
        // Rounds of one request and its retransmission, each bounded by the request timeout, until the check's
        // own timeout: at 20 % loss a request and its one retransmission both fail 13 % of the time (0.36²), and a
        // live provider lost that way is lost to the lookup. A round that ends before its timeout got a definite
        // no (an unreachable or wrong peer), and is not repeated.
        while (answer is null && !_checksOver.IsCancellationRequested)
        {
            var left = _options.ProviderCheckTimeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) break;
            var round = left < _options.RequestTimeout ? left : _options.RequestTimeout;
            var roundStarted = time.GetTimestamp();
            answer = await Retransmitter.SendAsync(
                time, _host.SlowAfter, round, _options.Retransmit,
                async t => await CountedSend(() => _host.Network.PingAsync(provider, t)) ? provider : null,
                onSlow: null, _checksOver.Token);
            if (answer is null && time.GetElapsedTime(roundStarted) < round) break;
        }
        lock (_gate)
        {
            source.InFlight--;
            _checksInFlight--;
            _checking.Remove((provider.Id, provider.EndPoint));
            if (answer is not null)
            {
                source.Confirmed = true;
                Accept(provider);
            }
            else if (!_checksOver.IsCancellationRequested)
            {
                _failedChecks.Add((provider.Id, provider.EndPoint));
                source.Discredited = true;
                source.Claims.Clear();
            }
            _wake.TrySetResult();
        }
    }
}
