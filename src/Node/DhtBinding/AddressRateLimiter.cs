using System.Net;
using System.Threading.RateLimiting;
using P2P.Node.Transport;

namespace P2P.Node.DhtBinding;

/// <summary>
/// A <see cref="PartitionedRateLimiter{TResource}"/> over remote endpoints with two token buckets per request: one
/// per IP:port (one peer) and one per IP (every peer behind one address). A permit needs a token from both, so
/// one peer cannot exceed its own rate and a host running many peers cannot exceed the address's. Buckets live on
/// an injected <see cref="TimeProvider"/> (System.Threading.RateLimiting's own token bucket reads the stopwatch,
/// which tests cannot drive) in tables capped at <see cref="DhtWireOptions.MaxRateLimitedAddresses"/> each, least
/// recently used evicted first, so many distinct sources cannot grow memory. Attempts never queue: a request over
/// the rate is refused at once, and the lease says which limit refused it. Thread-safe (one lock).
/// </summary>
public sealed class AddressRateLimiter : PartitionedRateLimiter<IPEndPoint>
{
    /// <summary>Reason phrase of a lease refused by the per-peer (IP:port) bucket.</summary>
    public const string PerPeerReason = "over the per-peer DHT request rate";

    /// <summary>Reason phrase of a lease refused by the per-address (IP) bucket.</summary>
    public const string PerAddressReason = "over the per-address DHT request rate";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly bool _limitLoopback;
    private readonly TokenBucketTable<IPEndPoint> _perPeer;
    private readonly TokenBucketTable<IPAddress> _perAddress;
    private long _granted;
    private long _refused;

    public AddressRateLimiter(DhtWireOptions options, TimeProvider? time = null)
    {
        options.Validate();
        _time = time ?? TimeProvider.System;
        _limitLoopback = options.LimitLoopbackAddresses;
        _perPeer = new TokenBucketTable<IPEndPoint>(options.RequestsPerSecondPerPeer, options.RequestBurstPerPeer,
            options.MaxRateLimitedAddresses, _time);
        _perAddress = new TokenBucketTable<IPAddress>(options.RequestsPerSecondPerAddress, options.RequestBurstPerAddress,
            options.MaxRateLimitedAddresses, _time);
    }

    /// <summary>Buckets held now, both tables together (at most twice the configured cap).</summary>
    public int PartitionCount
    {
        get
        {
            lock (_lock)
                return _perPeer.Count + _perAddress.Count;
        }
    }

    /// <summary>Whether one request from <paramref name="from"/> may be served now; takes the tokens when it may.</summary>
    public bool TryAcquire(IPEndPoint from, out string? refusal)
    {
        using var lease = AttemptAcquire(from);
        refusal = lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason) ? reason : PerPeerReason;
        return lease.IsAcquired;
    }

    public override RateLimiterStatistics? GetStatistics(IPEndPoint resource)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)Math.Min(_perPeer.Available(resource, now), AddressAvailable(resource.Address, now)),
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(IPEndPoint resource, int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (permitCount == 0)
                return _perPeer.Available(resource, now) >= 1 && AddressAvailable(resource.Address, now) >= 1 ? Lease.Granted : Lease.PerPeer;
            var limitAddress = _limitLoopback || !IPAddress.IsLoopback(resource.Address);
            if (_perPeer.Available(resource, now) < 1)
            {
                _perPeer.Touch(resource, now);
                _refused++;
                return Lease.PerPeer;
            }
            if (limitAddress && _perAddress.Available(resource.Address, now) < 1)
            {
                _perAddress.Touch(resource.Address, now);
                _refused++;
                return Lease.PerAddress;
            }
            _perPeer.Take(resource, now);
            if (limitAddress)
                _perAddress.Take(resource.Address, now);
            _granted++;
            return Lease.Granted;
        }
    }

    /// <summary>Never waits: a DHT request over the rate is dropped, not delayed (waiting would only queue the flood).</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(IPEndPoint resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private double AddressAvailable(IPAddress address, long now) =>
        _limitLoopback || !IPAddress.IsLoopback(address) ? _perAddress.Available(address, now) : double.MaxValue;

    /// <summary>The three outcomes; leases hold nothing, so they are shared.</summary>
    private sealed class Lease(bool acquired, string? reason) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease PerPeer = new(false, PerPeerReason);
        public static readonly Lease PerAddress = new(false, PerAddressReason);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => reason is null ? [] : [MetadataName.ReasonPhrase.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = reason is not null && metadataName == MetadataName.ReasonPhrase.Name ? reason : null;
            return metadata is not null;
        }
    }
}
