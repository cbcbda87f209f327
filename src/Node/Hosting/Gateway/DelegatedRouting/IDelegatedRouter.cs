using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Gateway.DelegatedRouting;

/// <summary>
/// Where the Delegated Routing V1 API's answers come from: the daemon's node (<see cref="NetworkRouter"/>) or, in
/// tests, a list. The endpoints own the caps, the time limit and the HTTP; a router only finds.
/// </summary>
public interface IDelegatedRouter
{
    /// <summary>
    /// Providers of <paramref name="cid"/>, each yielded as soon as it is known, at most <paramref name="max"/> of
    /// them. Ends when the search ends; a cancelled <paramref name="ct"/> ends it early.
    /// </summary>
    IAsyncEnumerable<PeerRecord> FindProvidersAsync(Cid cid, int max, CancellationToken ct);

    /// <summary>Where <paramref name="peer"/> can be reached; null when it is not found.</summary>
    Task<PeerRecord?> FindPeerAsync(PeerId peer, CancellationToken ct);
}
