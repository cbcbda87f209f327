using P2P.Node.Multiformats;

namespace P2P.Node.Exchange;

/// <summary>An open fetch as the progress display shows it: its root, whether a provider search runs, what it found.</summary>
public sealed record FetchStatus(Cid Root, bool Searching, int ProvidersFound, int Unreachable, int Peers);
