using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Exchange;

/// <summary>Provider discovery from a fixed list (every listed peer is said to hold every block); records provides.</summary>
internal sealed class StaticProviderFinder(IEnumerable<Multiaddr> providers) : IProviderFinder
{
    private readonly List<Multiaddr> _providers = [.. providers];
    private readonly Lock _lock = new();

    public ConcurrentBag<Cid> Provided { get; } = [];

    public int Searches;

    public async IAsyncEnumerable<Multiaddr> FindProvidersAsync(Cid cid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Searches);
        await Task.Yield();
        Multiaddr[] snapshot;
        lock (_lock)
            snapshot = [.. _providers];
        foreach (var provider in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return provider;
        }
    }

    /// <summary>Makes more providers known to later searches (as the DHT learns of new ones).</summary>
    public void Add(Multiaddr provider)
    {
        lock (_lock)
            _providers.Add(provider);
    }

    public ValueTask ProvideAsync(Cid cid, CancellationToken cancellationToken)
    {
        Provided.Add(cid);
        return ValueTask.CompletedTask;
    }
}
