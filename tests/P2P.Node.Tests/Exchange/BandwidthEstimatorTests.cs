using Microsoft.Extensions.Time.Testing;
using P2P.Node.Exchange;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// The per-peer rate estimate the planner sizes windows and picks peers by, driven with a fake clock: 256 KiB blocks
/// from a peer capped at 10 MB/s (one block every 26.2 ms on average), however they bunch up on arrival.
/// </summary>
public sealed class BandwidthEstimatorTests
{
    private const int Block = 256 * 1024;
    private const double CapBytesPerSecond = 10e6;
    private static readonly TimeSpan PerBlock = TimeSpan.FromSeconds(Block / CapBytesPerSecond);

    private readonly FakeTimeProvider _time = new();
    private readonly BandwidthEstimator _estimator = new();

    private void Deliver(TimeSpan after, bool stillBusy = true)
    {
        var sentAt = _time.GetTimestamp();
        _time.Advance(after);
        _estimator.OnDelivered(_time.GetTimestamp(), sentAt, Block, stillBusy, _time);
    }

    [Fact]
    public void OnDelivered_BurstyArrivals_EstimateTheAverageRateNotTheBurstRate()
    {
        // A token bucket (or a verification queue catching up) hands over four blocks within 3 ms, then the fifth
        // 128 ms later: five blocks per 131 ms is 10 MB/s, whatever the per-block rate of the burst.
        _estimator.OnBusy(_time.GetTimestamp());
        for (var cycle = 0; cycle < 20; cycle++)
        {
            for (var i = 0; i < 4; i++)
                Deliver(TimeSpan.FromMilliseconds(1));
            Deliver(5 * PerBlock - TimeSpan.FromMilliseconds(4));
        }

        Assert.InRange(_estimator.BytesPerSecond, 0.7 * CapBytesPerSecond, 1.4 * CapBytesPerSecond);
    }

    [Fact]
    public void OnDelivered_FirstBlockAfterIdle_IsLatencyNotRate()
    {
        // The first block of an idle peer comes a slow round trip after the request; the next three come back to
        // back from its pipeline at the cap. A rate taken from the first would pin the peer near 1 MB/s.
        _estimator.OnBusy(_time.GetTimestamp());
        Deliver(TimeSpan.FromMilliseconds(240));
        for (var i = 0; i < 3; i++)
            Deliver(PerBlock);

        Assert.True(_estimator.HasSample);
        Assert.InRange(_estimator.BytesPerSecond, 0.9 * CapBytesPerSecond, 1.1 * CapBytesPerSecond);
        Assert.InRange(_estimator.MinLatencySeconds, 0.02, 0.03);
    }

    [Fact]
    public void OnDelivered_OneRequestAtATime_LeavesThePeerUnmeasured()
    {
        // Each block answers a lone request: only round trips were seen, so the planner keeps treating the peer as
        // untried (optimistic rate, initial window) until it has a pipeline to measure.
        for (var i = 0; i < 5; i++)
        {
            _estimator.OnBusy(_time.GetTimestamp());
            Deliver(TimeSpan.FromMilliseconds(50), stillBusy: false);
        }

        Assert.False(_estimator.HasSample);
        Assert.Equal(0.05, _estimator.MinLatencySeconds, 3);
    }
}
