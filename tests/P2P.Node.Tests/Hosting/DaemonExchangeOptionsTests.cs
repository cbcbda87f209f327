using P2P.Node.Hosting;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Hosting;

public sealed class DaemonExchangeOptionsTests
{
    [Fact]
    public void ExchangeOptionsFor_MapsTheConfigLimits()
    {
        var options = Daemon.ExchangeOptionsFor(
            new RepoLimits { MaxPeers = 12, MaxInFlightRequestsPerPeer = 20, UploadRateBytesPerSecond = 5 }, 10_000_000);

        Assert.Equal(12, options.MaxPeers);
        Assert.Equal(20, options.MaxInFlightPerPeer);
        Assert.Equal(10_000_000, options.UploadBytesPerSecond);
        Assert.Equal(128, options.MaxServeQueuePerPeer);
    }

    [Fact]
    public void ExchangeOptionsFor_CapBelowTheWindowFloor_LowersTheFloor()
    {
        var options = Daemon.ExchangeOptionsFor(new RepoLimits { MaxInFlightRequestsPerPeer = 1 }, 0);

        Assert.Equal(1, options.MaxInFlightPerPeer);
        Assert.Equal(1, options.MinInFlightPerPeer);
        Assert.Equal(1, options.InitialInFlightPerPeer);
        Assert.Equal(0, options.UploadBytesPerSecond);
    }
}
