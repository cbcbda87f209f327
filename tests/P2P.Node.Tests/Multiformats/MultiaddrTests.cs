using System.Net;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Tests.Multiformats;

public sealed class MultiaddrTests
{
    [Theory]
    [InlineData("/ip4/127.0.0.1/udp/4001")]
    [InlineData("/ip4/0.0.0.0/udp/0")]
    [InlineData("/ip6/::1/udp/65535")]
    [InlineData("/ip6/fe80::1/udp/4001")]
    public void TryParse_RoundTripsAddressWithoutPeerId(string text)
    {
        Assert.True(Multiaddr.TryParse(text, out var address, out var error), error);
        Assert.Null(address!.PeerId);
        Assert.Equal(text, address.ToString());
        Assert.Equal(address, Multiaddr.Parse(address.ToString()));
    }

    [Fact]
    public void TryParse_RoundTripsAddressWithPeerId()
    {
        using var identity = NodeIdentity.Generate();
        var text = $"/ip4/127.0.0.1/udp/4001/p2p/{identity.PeerId}";
        Assert.True(Multiaddr.TryParse(text, requirePeerId: true, out var address, out var error), error);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 4001), address!.EndPoint);
        Assert.Equal(identity.PeerId, address.PeerId);
        Assert.Equal(text, address.ToString());
        Assert.Equal(text, Multiaddr.Format(address.EndPoint, address.PeerId));
    }

    [Fact]
    public void Format_WritesIp6ForIPv6Endpoints()
    {
        Assert.Equal("/ip6/::1/udp/7", Multiaddr.Format(new IPEndPoint(IPAddress.IPv6Loopback, 7), null));
    }

    [Theory]
    [InlineData("", "empty multiaddr")]
    [InlineData("ip4/127.0.0.1/udp/4001", "'ip4/127.0.0.1/udp/4001' is not of the form /ip4/<address>/udp/<port>[/p2p/<PeerId>]")]
    [InlineData("/ip4/127.0.0.1/udp", "'/ip4/127.0.0.1/udp' is not of the form /ip4/<address>/udp/<port>[/p2p/<PeerId>]")]
    [InlineData("/dns4/example.com/udp/4001", "'/dns4/example.com/udp/4001' must start with /ip4 or /ip6")]
    [InlineData("/ip4/::1/udp/4001", "'::1' in '/ip4/::1/udp/4001' is not an ip4 address")]
    [InlineData("/ip6/127.0.0.1/udp/4001", "'127.0.0.1' in '/ip6/127.0.0.1/udp/4001' is not an ip6 address")]
    [InlineData("/ip4/127.0.0.1/tcp/4001", "'/ip4/127.0.0.1/tcp/4001' must use udp (p2p runs over UDP)")]
    [InlineData("/ip4/127.0.0.1/udp/70000", "port '70000' in '/ip4/127.0.0.1/udp/70000' is not a number from 0 to 65535")]
    [InlineData("/ip4/127.0.0.1/udp/+1", "port '+1' in '/ip4/127.0.0.1/udp/+1' is not a number from 0 to 65535")]
    [InlineData("/ip4/127.0.0.1/udp/4001/ipfs/x", "'/ip4/127.0.0.1/udp/4001/ipfs/x' may only end with /p2p/<PeerId>")]
    public void TryParse_RejectsMalformedWithTheReason(string text, string expected)
    {
        Assert.False(Multiaddr.TryParse(text, out var address, out var error));
        Assert.Null(address);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryParse_NamesABadPeerIdAndWhy()
    {
        Assert.False(Multiaddr.TryParse("/ip4/127.0.0.1/udp/4001/p2p/notapeer", out _, out var error));
        Assert.StartsWith("'notapeer' in '/ip4/127.0.0.1/udp/4001/p2p/notapeer' is not a PeerId: ", error);
        Assert.DoesNotContain("\n", error!, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_RequirePeerId_RejectsAnAddressWithoutOne()
    {
        Assert.False(Multiaddr.TryParse("/ip4/127.0.0.1/udp/4001", requirePeerId: true, out _, out var error));
        Assert.Equal("'/ip4/127.0.0.1/udp/4001' lacks /p2p/<PeerId>", error);
        Assert.False(Multiaddr.TryParse("/ip4/127.0.0.1", requirePeerId: true, out _, out error));
        Assert.Equal("'/ip4/127.0.0.1' is not of the form /ip4/<address>/udp/<port>/p2p/<PeerId>", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void Check_CallsAMissingValueEmpty(string? text)
    {
        Assert.Equal("is empty", Multiaddr.Check(text, requirePeerId: false));
    }

    [Fact]
    public void Check_IsNullForAValidAddress()
    {
        Assert.Null(Multiaddr.Check("/ip4/127.0.0.1/udp/4001", requirePeerId: false));
    }

    [Fact]
    public void Parse_ThrowsFormatExceptionWithTheReason()
    {
        var error = Assert.Throws<FormatException>(() => Multiaddr.Parse("/ip4/127.0.0.1/tcp/1"));
        Assert.Equal("'/ip4/127.0.0.1/tcp/1' must use udp (p2p runs over UDP)", error.Message);
    }
}
