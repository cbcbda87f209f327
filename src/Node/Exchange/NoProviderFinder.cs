using System.Runtime.CompilerServices;
using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>Provider discovery switched off: the exchange asks only the peers it is connected to.</summary>
public sealed class NoProviderFinder : IProviderFinder
{
    public static NoProviderFinder Instance { get; } = new();

    public async IAsyncEnumerable<Multiaddr> FindProvidersAsync(Cid cid, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public ValueTask ProvideAsync(Cid cid, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
