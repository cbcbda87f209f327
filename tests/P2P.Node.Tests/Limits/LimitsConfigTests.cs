using P2P.Node.Hosting;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Limits;

public sealed class LimitsConfigTests
{
    [Fact]
    public void FromJson_ReadsTheLimitKeysAndMapsThemToWireOptions()
    {
        var config = RepoConfig.FromJson("""{ "limits": { "maxPendingHandshakes": 8, "dhtRequestsPerSecondPerPeer": 20, "dhtRequestsPerSecondPerIp": 50 } }""", "config.json");
        Assert.Equal(8, config.Limits.MaxPendingHandshakes);
        var wire = Daemon.WireOptionsFor(config.Limits);
        Assert.Equal(20, wire.RequestsPerSecondPerPeer);
        Assert.Equal(40, wire.RequestBurstPerPeer);
        Assert.Equal(50, wire.RequestsPerSecondPerAddress);
        Assert.Equal(100, wire.RequestBurstPerAddress);
    }

    [Fact]
    public void Validate_DefaultsAreUsableAndBadValuesAreNamed()
    {
        Assert.Empty(new RepoConfig().Validate());
        var config = new RepoConfig { Limits = new RepoLimits { MaxPendingHandshakes = 0, DhtRequestsPerSecondPerPeer = 0.5, DhtRequestsPerSecondPerIp = double.NaN } };
        var errors = config.Validate();
        Assert.Contains(errors, e => e.Contains("limits.maxPendingHandshakes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("limits.dhtRequestsPerSecondPerPeer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("limits.dhtRequestsPerSecondPerIp", StringComparison.Ordinal));
    }
}
