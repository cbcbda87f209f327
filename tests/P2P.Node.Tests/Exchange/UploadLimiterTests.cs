using Microsoft.Extensions.Time.Testing;
using P2P.Node.Exchange;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Exchange;

/// <summary>The upload cap on the injected clock: a burst of one bucket, then bytes at the configured rate, in turn.</summary>
public sealed class UploadLimiterTests
{
    [Fact]
    public async Task AcquireAsync_BeyondTheBucket_WaitsForTheClockAndServesInArrivalOrder()
    {
        var time = new FakeTimeProvider();
        using var limiter = new UploadLimiter(1_000_000, time);
        var bucket = WireLimits.MaxAnyMessageSize;

        Assert.True(await limiter.AcquireAsync(bucket, CancellationToken.None));
        var first = limiter.AcquireAsync(500_000, CancellationToken.None).AsTask();
        var second = limiter.AcquireAsync(500_000, CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True(await first);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(501));
        Assert.True(await second);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsAndLetsTheNextSenderGo()
    {
        var time = new FakeTimeProvider();
        using var limiter = new UploadLimiter(1_000, time);
        Assert.True(await limiter.AcquireAsync(WireLimits.MaxAnyMessageSize, CancellationToken.None));
        using var cancel = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(1_000, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = limiter.AcquireAsync(1_000, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await next);
    }
}
