namespace P2P.Dht.Lookups;

/// <summary>What a GET_VALUE lookup found: the newest valid value, how many answers held it, and who should get it.</summary>
internal sealed record ValueLookupOutcome(LookupResult Lookup, byte[]? Value, int Agreed, IReadOnlyList<Contact> Outdated, int InvalidAnswers);
