using System.Net;
using Microsoft.AspNetCore.Http;
using P2P.Node.Hosting.Api;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Api;

/// <summary>Which Host values the API serves: a table of what a browser, the CLI and a rebinding page send.</summary>
public sealed class ApiHostsTests
{
    private static readonly IPAddress Local = IPAddress.Loopback;

    [Theory]
    [InlineData("127.0.0.1:5001", true)]
    [InlineData("localhost:5001", true)]
    [InlineData("LOCALHOST.:5001", true)]
    [InlineData("[::1]:5001", true)]
    [InlineData("127.0.0.2:5001", true)]
    [InlineData("evil.example:5001", false)]
    [InlineData("localhost.evil.example:5001", false)]
    [InlineData("127.0.0.1.evil.example:5001", false)]
    [InlineData("127.0.0.1:5002", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.1:5001", false)]
    [InlineData("0x7f.0.0.1:5001", false)]
    [InlineData("2130706433:5001", false)]
    [InlineData("10.0.0.7:5001", false)]
    [InlineData("::1:5001", false)]
    [InlineData("", false)]
    public void IsServed_LoopbackNamesWithThePortOnly(string host, bool served) =>
        Assert.Equal(served, new ApiHosts().IsServed(new HostString(host), Local, 5001));

    [Fact]
    public void IsServed_TheAddressTheConnectionArrivedOn()
    {
        var hosts = new ApiHosts();
        Assert.True(hosts.IsServed(new HostString("192.168.1.20:5001"), IPAddress.Parse("::ffff:192.168.1.20"), 5001));
        Assert.False(hosts.IsServed(new HostString("192.168.1.21:5001"), IPAddress.Parse("192.168.1.20"), 5001));
    }

    [Fact]
    public void IsServed_NoPortOnlyWhenListeningOn80()
    {
        var hosts = new ApiHosts();
        Assert.True(hosts.IsServed(new HostString("localhost"), Local, 80));
        Assert.False(hosts.IsServed(new HostString("localhost"), Local, 5001));
    }

    [Fact]
    public void IsServed_ConfiguredNames_WithOrWithoutAPort()
    {
        var hosts = new ApiHosts(["p2p.example", "api.example:8443"]);
        Assert.True(hosts.IsServed(new HostString("P2P.example"), Local, 5001));
        Assert.True(hosts.IsServed(new HostString("p2p.example:443"), Local, 5001));
        Assert.True(hosts.IsServed(new HostString("api.example:8443"), Local, 5001));
        Assert.False(hosts.IsServed(new HostString("api.example:5001"), Local, 5001));
        Assert.False(hosts.IsServed(new HostString("sub.p2p.example"), Local, 5001));
    }

    [Theory]
    [InlineData("p2p.example", true)]
    [InlineData("p2p.example:443", true)]
    [InlineData("[::1]:5001", true)]
    [InlineData("http://p2p.example", false)]
    [InlineData("p2p.example/path", false)]
    [InlineData("*", false)]
    [InlineData("p2p.example:0", false)]
    [InlineData("p2p.example:70000", false)]
    [InlineData(" ", false)]
    public void Config_ApiAllowedHosts_EntriesAreChecked(string entry, bool valid)
    {
        var config = new RepoConfig { ApiAllowedHosts = [entry] };
        Assert.Equal(valid, !config.Validate().Any(e => e.StartsWith("apiAllowedHosts", StringComparison.Ordinal)));
        if (!valid)
            Assert.Throws<ArgumentException>(() => new ApiHosts([entry]));
    }
}
