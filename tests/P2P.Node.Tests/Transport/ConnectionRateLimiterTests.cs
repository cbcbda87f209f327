using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

public class ConnectionRateLimiterTests
{
    [Fact]
    public void TryAcquire_RefillsAtConfiguredRate()
    {
        var time = new FakeTimeProvider();
        var limiter = new ConnectionRateLimiter(3, time);
        var a = IPAddress.Parse("127.0.0.2");
        Assert.True(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(a));
        Assert.False(limiter.TryAcquire(a));
        Assert.True(limiter.TryAcquire(IPAddress.Loopback));
        time.Advance(TimeSpan.FromMilliseconds(340));
        Assert.True(limiter.TryAcquire(a));
        Assert.False(limiter.TryAcquire(a));
    }

    [Fact]
    public void TryAcquire_RefusesNewAddressesWhenTableFullOfActiveOnes()
    {
        var time = new FakeTimeProvider();
        var limiter = new ConnectionRateLimiter(10, time, maxAddresses: 2);
        Assert.True(limiter.TryAcquire(IPAddress.Parse("127.0.0.2")));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("127.0.0.3")));
        Assert.False(limiter.TryAcquire(IPAddress.Parse("127.0.0.4")));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(limiter.TryAcquire(IPAddress.Parse("127.0.0.4")));
    }
}
