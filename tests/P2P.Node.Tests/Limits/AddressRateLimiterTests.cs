using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.DhtBinding;

namespace P2P.Node.Tests.Limits;

public sealed class AddressRateLimiterTests
{
    private static readonly IPEndPoint Flooder = new(IPAddress.Parse("10.0.0.1"), 4001);
    private static readonly IPEndPoint Neighbour = new(IPAddress.Parse("10.0.0.1"), 4002);
    private static readonly IPEndPoint Stranger = new(IPAddress.Parse("10.0.0.2"), 4001);

    private static DhtWireOptions Options(double perPeer = 10, double perAddress = 1000, int maxAddresses = 4096, bool loopback = false) => new()
    {
        RequestsPerSecondPerPeer = perPeer,
        RequestBurstPerPeer = perPeer,
        RequestsPerSecondPerAddress = perAddress,
        RequestBurstPerAddress = perAddress,
        MaxRateLimitedAddresses = maxAddresses,
        LimitLoopbackAddresses = loopback,
    };

    private static int Granted(AddressRateLimiter limiter, IPEndPoint from, int attempts)
    {
        var granted = 0;
        for (var i = 0; i < attempts; i++)
            granted += limiter.TryAcquire(from, out _) ? 1 : 0;
        return granted;
    }

    [Fact]
    public void TryAcquire_PeerAtTenTimesTheRateGetsOnlyTheRate()
    {
        var time = new FakeTimeProvider();
        var limiter = new AddressRateLimiter(Options(perPeer: 10), time);
        var granted = 0;
        // Ten seconds at 100 requests per second against a rate of 10 per second with a burst of 10.
        for (var second = 0; second < 10; second++)
        {
            for (var i = 0; i < 100; i++)
            {
                granted += limiter.TryAcquire(Flooder, out _) ? 1 : 0;
                time.Advance(TimeSpan.FromMilliseconds(10));
            }
        }
        // The burst of 10 plus 10 per second for the 9.99 s after it, give or take the last partial token.
        Assert.InRange(granted, 108, 110);
        Assert.Equal(10, Granted(limiter, Stranger, 10));
    }

    [Fact]
    public void TryAcquire_AnotherPeerIsUnaffectedByAFlood()
    {
        var time = new FakeTimeProvider();
        var limiter = new AddressRateLimiter(Options(perPeer: 10), time);
        Assert.Equal(10, Granted(limiter, Flooder, 1000));
        Assert.Equal(10, Granted(limiter, Stranger, 10));
        Assert.Equal(10, Granted(limiter, Neighbour, 10));
    }

    [Fact]
    public void TryAcquire_RefusalNamesThePerPeerLimit()
    {
        var limiter = new AddressRateLimiter(Options(perPeer: 1), new FakeTimeProvider());
        Assert.True(limiter.TryAcquire(Flooder, out var first));
        Assert.Null(first);
        Assert.False(limiter.TryAcquire(Flooder, out var refusal));
        Assert.Equal(AddressRateLimiter.PerPeerReason, refusal);
    }

    [Fact]
    public void TryAcquire_PeersBehindOneAddressShareItsRate()
    {
        var time = new FakeTimeProvider();
        var limiter = new AddressRateLimiter(Options(perPeer: 10, perAddress: 15), time);
        Assert.Equal(10, Granted(limiter, Flooder, 100));
        Assert.Equal(5, Granted(limiter, Neighbour, 100));
        Assert.False(limiter.TryAcquire(new IPEndPoint(Flooder.Address, 9999), out var refusal));
        Assert.Equal(AddressRateLimiter.PerAddressReason, refusal);
        Assert.Equal(10, Granted(limiter, Stranger, 100));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, Granted(limiter, Neighbour, 100));
    }

    [Fact]
    public void TryAcquire_LoopbackIsExemptFromTheAddressLimitUnlessAsked()
    {
        var time = new FakeTimeProvider();
        var a = new IPEndPoint(IPAddress.Loopback, 1);
        var b = new IPEndPoint(IPAddress.Loopback, 2);
        var exempt = new AddressRateLimiter(Options(perPeer: 10, perAddress: 10), time);
        Assert.Equal(20, Granted(exempt, a, 10) + Granted(exempt, b, 10));
        var limited = new AddressRateLimiter(Options(perPeer: 10, perAddress: 10, loopback: true), time);
        Assert.Equal(10, Granted(limited, a, 10) + Granted(limited, b, 10));
    }

    [Fact]
    public void TryAcquire_TokensComeBackAtTheRate()
    {
        var time = new FakeTimeProvider();
        var limiter = new AddressRateLimiter(Options(perPeer: 10), time);
        Assert.Equal(10, Granted(limiter, Flooder, 50));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(5, Granted(limiter, Flooder, 50));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(10, Granted(limiter, Flooder, 50));
    }

    [Fact]
    public void TryAcquire_ASpoofedSourceStormKeepsTheTablesBounded()
    {
        var time = new FakeTimeProvider();
        var limiter = new AddressRateLimiter(Options(perPeer: 10, maxAddresses: 256), time);
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            var address = new IPAddress(random.Next(0x0A000000, 0x0AFFFFFF));
            Assert.True(limiter.TryAcquire(new IPEndPoint(address, random.Next(1, 65536)), out _));
        }
        Assert.True(limiter.PartitionCount <= 2 * 256, $"{limiter.PartitionCount} partitions");
        // The most recent source is still limited: eviction takes the least recently used bucket.
        Assert.Equal(10, Granted(limiter, Flooder, 100));
        Assert.Equal(0, Granted(limiter, Flooder, 100));
    }

    [Fact]
    public async Task AttemptAcquire_IsAPartitionedRateLimiterThatNeverQueues()
    {
        var time = new FakeTimeProvider();
        PartitionedRateLimiter<IPEndPoint> limiter = new AddressRateLimiter(Options(perPeer: 2), time);
        using (var first = limiter.AttemptAcquire(Flooder))
            Assert.True(first.IsAcquired);
        using (var second = await limiter.AcquireAsync(Flooder))
            Assert.True(second.IsAcquired);
        using var third = limiter.AttemptAcquire(Flooder);
        Assert.False(third.IsAcquired);
        Assert.True(third.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Equal(AddressRateLimiter.PerPeerReason, reason);
        var statistics = limiter.GetStatistics(Flooder)!;
        Assert.Equal(2, statistics.TotalSuccessfulLeases);
        Assert.Equal(1, statistics.TotalFailedLeases);
        Assert.Equal(0, statistics.CurrentAvailablePermits);
    }
}
