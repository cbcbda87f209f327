namespace P2P.Dht.Routing;

/// <summary>A routing-table entry: a shared contact and when it last answered (UTC ticks).</summary>
internal readonly record struct BucketEntry(Contact Contact, long LastSeenTicks);
