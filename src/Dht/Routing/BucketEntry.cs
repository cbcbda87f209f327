namespace P2P.Dht.Routing;

/// <summary>A routing-table entry: a shared contact, when it last answered (UTC ticks), and the requests it left unanswered since.</summary>
internal readonly record struct BucketEntry(Contact Contact, long LastSeenTicks, int Failures = 0);
