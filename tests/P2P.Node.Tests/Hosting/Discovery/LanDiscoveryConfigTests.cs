using P2P.Node.Hosting;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Hosting.Discovery;

/// <summary>The <c>discovery</c> section of config.json: mDNS on by default, off by config, its interval bounded.</summary>
public sealed class LanDiscoveryConfigTests
{
    [Fact]
    public void Default_HasMdnsOn()
    {
        var config = RepoConfig.FromJson("{}", "config.json");
        Assert.True(config.Discovery.Mdns);
        Assert.Equal(TimeSpan.FromSeconds(10), Daemon.LanDiscoveryFor(config.Discovery)!.Interval);
        Assert.Contains("\"mdns\": true", config.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void MdnsFalse_TurnsLanDiscoveryOff()
    {
        var config = RepoConfig.FromJson("""{ "discovery": { "mdns": false } }""", "config.json");
        Assert.Null(Daemon.LanDiscoveryFor(config.Discovery));
    }

    [Theory]
    [InlineData("00:00:00.5")]
    [InlineData("02:00:00")]
    public void MdnsInterval_OutOfBounds_IsRefused(string interval)
    {
        var e = Assert.Throws<RepoException>(() => RepoConfig.FromJson($$"""{ "discovery": { "mdnsInterval": "{{interval}}" } }""", "config.json"));
        Assert.Contains("discovery.mdnsInterval", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiscoveryNull_IsRefused()
    {
        var e = Assert.Throws<RepoException>(() => RepoConfig.FromJson("""{ "discovery": null }""", "config.json"));
        Assert.Contains("discovery must be an object", e.Message, StringComparison.Ordinal);
    }
}
