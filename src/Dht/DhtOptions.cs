using P2P.Dht.Values;

namespace P2P.Dht;

/// <summary>
/// Kademlia parameters. Defaults follow libp2p's DHT (k = 20, β = 3, 48 h records republished every 22 h)
/// except α, which is 3 as in the Kademlia paper (libp2p uses 10). Call <see cref="Validate"/> once.
/// </summary>
public sealed class DhtOptions
{
    /// <summary>Bucket size and replication factor.</summary>
    public int K { get; init; } = 20;

    /// <summary>Requests in flight per lookup path while converging.</summary>
    public int Alpha { get; init; } = 3;

    /// <summary>
    /// The convergence phase ends once the β closest contacts seen have answered; then every unqueried
    /// contact of the k closest is asked at once (go-libp2p-kad-dht's lookup with follow-up).
    /// </summary>
    public int Beta { get; init; } = 3;

    /// <summary>
    /// Disjoint lookup paths (S/Kademlia, Baumgart and Mies 2007, section 4.4). 1 is plain Kademlia;
    /// with d &gt; 1 each contact is queried by one path only, so a path captured by colluders cannot
    /// poison the others.
    /// </summary>
    public int DisjointPaths { get; init; } = 1;

    /// <summary>
    /// Reject a reply that names any contact whose id is not SHA-256 of its identity bytes (S/Kademlia's
    /// rule that ids are bound to keys, section 4.1): a liar cannot place forged ids next to a target
    /// without grinding hashes. The whole reply then counts as garbage and its sender as failed.
    /// </summary>
    public bool VerifyContactIds { get; init; } = true;

    /// <summary>
    /// A provider named by another node counts towards a lookup's result only once it answers a ping. Anyone can
    /// name providers that nobody runs (phantoms: well-formed identities at dead addresses), and a lookup that stops
    /// at the first providers it hears of would end on them. A responder whose provider fails the check gets no more
    /// checks in that lookup, so a liar costs one ping per lookup and cannot aim many at an address of its choosing.
    /// </summary>
    public bool VerifyProviders { get; init; } = true;

    /// <summary>Most provider checks (pings) one lookup sends, retransmissions not counted.</summary>
    public int MaxProviderChecks { get; init; } = 60;

    /// <summary>
    /// How long a provider check may take: rounds of a ping and its retransmission, each bounded by
    /// <see cref="RequestTimeout"/>, until this. Longer than one request: a provider is seldom a contact the node
    /// already talks to, so the check includes a handshake, and on a lossy path a request and its retransmission
    /// both fail now and then. A live provider failing its check is lost to the lookup.
    /// </summary>
    public TimeSpan ProviderCheckTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Hard per-request timeout: after it the contact counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Floor for the "slow" threshold. A request unanswered after max(this, srtt + 4·rttvar) (RFC 6298's
    /// estimator) stops holding a lookup slot and stops blocking termination; its answer is still used
    /// if it arrives before <see cref="RequestTimeout"/>.
    /// </summary>
    public TimeSpan MinSlowAfter { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Resend a request once when it passes the slow threshold unanswered (a lost datagram then costs one
    /// threshold, not a failed contact). The second attempt gets the rest of <see cref="RequestTimeout"/>.
    /// </summary>
    public bool Retransmit { get; init; } = true;

    /// <summary>Replacement-cache size per bucket (candidates that answered while the bucket was full).</summary>
    public int ReplacementCacheSize { get; init; } = 20;

    /// <summary>
    /// Unanswered requests in a row after which a contact leaves its bucket when no replacement is waiting for the
    /// slot (Kademlia section 4.1: with an empty replacement cache, keep a stale contact rather than shrink the
    /// table). With a replacement cached one failure evicts. On a lossy or busy path a live peer misses a deadline
    /// now and then; evicting it at once emptied the tables of small swarms (four nodes at 20 % UDP loss kept one
    /// or two contacts of three, and provider records reached too few of them).
    /// </summary>
    public int MaxFailures { get; init; } = 5;

    /// <summary>A full bucket pings its least-recently-seen entry only if it was silent this long.</summary>
    public TimeSpan EvictionPingAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most contacts from one IPv4 /24 or IPv6 /48 in one bucket; null disables the limit. Loopback
    /// addresses are never limited, so a local test swarm works with the limit on.
    /// </summary>
    public int? MaxPerSubnetPerBucket { get; init; }

    /// <summary>Lifetime of a stored provider record.</summary>
    public TimeSpan ProviderTtl { get; init; } = TimeSpan.FromHours(48);

    /// <summary>How often a node re-announces what it provides to the k closest nodes.</summary>
    public TimeSpan RepublishInterval { get; init; } = TimeSpan.FromHours(22);

    /// <summary>A bucket not used by a lookup for this long is refreshed with a lookup of a random key in it.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Period of the maintenance tick (expiry, refresh, republish).</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Providers kept per key (the oldest expiring first is dropped beyond it).</summary>
    public int MaxProvidersPerKey { get; init; } = 64;

    /// <summary>Keys a single peer may hold provider records for on this node.</summary>
    public int MaxRecordsPerPeer { get; init; } = 4096;

    /// <summary>Provider records this node stores in total.</summary>
    public int MaxRecords { get; init; } = 1 << 20;

    /// <summary>Largest multihash accepted as a record key.</summary>
    public int MaxMultihashLength { get; init; } = 128;

    /// <summary>
    /// Validators of value keys by namespace (<c>/ipns/...</c> → "ipns"). A value whose namespace has none is refused,
    /// put or got. Shared by reference: register once before the node starts.
    /// </summary>
    public ValidatorRegistry Validators { get; init; } = new();

    /// <summary>
    /// Answers that must agree on the newest value before a GET_VALUE lookup may return early (see
    /// <see cref="DhtNode.GetValueAsync"/>); the node's own stored copy counts as one.
    /// </summary>
    public int ValueQuorum { get; init; } = 3;

    /// <summary>
    /// Disjoint paths of PUT_VALUE's and GET_VALUE's lookups (at least <see cref="DisjointPaths"/>, at most
    /// <see cref="K"/>). Colluders that capture a path agree on a stale value, or take a publication that honest nodes
    /// never see; on two paths a lookup also meets honest nodes, at twice the messages and little more latency (the
    /// walk to the early return is shared by the paths). Measured at 10,000 nodes with 20 % colluders replaying a stale
    /// value: 94 % of resolves newest on one path, 100 % on two; publish p50 247 → 287 ms, resolve p50 154 → 151 ms.
    /// </summary>
    public int ValueDisjointPaths { get; init; } = 2;

    /// <summary>Largest value stored or sent (an IPNS record with an inlined key is about 400 bytes).</summary>
    public int MaxValueSize { get; init; } = 10 * 1024;

    /// <summary>Longest value key (<c>/ipns/</c> and a 38-byte peer id are 44).</summary>
    public int MaxValueKeyLength { get; init; } = 256;

    /// <summary>Values this node stores for others at most.</summary>
    public int MaxValues { get; init; } = 1 << 16;

    /// <summary>Key and value bytes this node stores for others at most.</summary>
    public long MaxValueBytes { get; init; } = 64L << 20;

    /// <summary>Values one sender may hold on this node.</summary>
    public int MaxValuesPerPeer { get; init; } = 1024;

    /// <summary>A stored value is dropped this long after it was last received (go-libp2p-kad-dht's maxRecordAge).</summary>
    public TimeSpan ValueMaxAge { get; init; } = TimeSpan.FromHours(48);

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public DhtOptions Validate()
    {
        Require(K is >= 1 and <= 256, nameof(K));
        Require(Alpha is >= 1 and <= 64, nameof(Alpha));
        Require(Beta is >= 1 and <= 256, nameof(Beta));
        Require(DisjointPaths >= 1 && DisjointPaths <= K, nameof(DisjointPaths));
        Require(RequestTimeout > TimeSpan.Zero, nameof(RequestTimeout));
        Require(MinSlowAfter > TimeSpan.Zero && MinSlowAfter <= RequestTimeout, nameof(MinSlowAfter));
        Require(ReplacementCacheSize >= 0, nameof(ReplacementCacheSize));
        Require(MaxFailures is >= 1 and <= 1000, nameof(MaxFailures));
        Require(MaxPerSubnetPerBucket is null or >= 1, nameof(MaxPerSubnetPerBucket));
        Require(ProviderTtl > TimeSpan.Zero, nameof(ProviderTtl));
        Require(RepublishInterval > TimeSpan.Zero && RepublishInterval < ProviderTtl, nameof(RepublishInterval));
        Require(RefreshInterval > TimeSpan.Zero, nameof(RefreshInterval));
        Require(MaintenanceInterval > TimeSpan.Zero, nameof(MaintenanceInterval));
        Require(MaxProvidersPerKey >= 1 && MaxRecordsPerPeer >= 1 && MaxRecords >= 1, nameof(MaxRecords));
        Require(MaxMultihashLength is >= 2 and <= 1024, nameof(MaxMultihashLength));
        Require(MaxProviderChecks is >= 1 and <= 4096, nameof(MaxProviderChecks));
        Require(ProviderCheckTimeout > TimeSpan.Zero, nameof(ProviderCheckTimeout));
        Require(Validators is not null, nameof(Validators));
        Require(ValueQuorum is >= 1 and <= 256, nameof(ValueQuorum));
        Require(ValueDisjointPaths is >= 1 and <= 256, nameof(ValueDisjointPaths));
        Require(MaxValueSize is >= 1 and <= 1 << 20, nameof(MaxValueSize));
        Require(MaxValueKeyLength is >= 3 and <= 4096, nameof(MaxValueKeyLength));
        Require(MaxValues >= 1 && MaxValuesPerPeer >= 1 && MaxValueBytes >= MaxValueSize, nameof(MaxValues));
        Require(ValueMaxAge > TimeSpan.Zero, nameof(ValueMaxAge));
        return this;

        static void Require(bool ok, string name)
        {
            if (!ok) throw new ArgumentException($"DhtOptions.{name} is out of range", name);
        }
    }
}
