using P2P.Dht.Lookups;

namespace P2P.Dht;

/// <summary>Outcome of announcing a provider record to the k closest nodes.</summary>
public sealed record PublishResult(LookupResult Lookup, int Attempted, int Stored, TimeSpan Elapsed);
