using P2P.Node.Hosting.Peers;
using P2P.Node.Security;

namespace P2P.Node.Tests.DhtBinding;

public sealed class PeerAddressTests
{
    [Fact]
    public void TryParse_RoundTripsAddressWithPeerId()
    {
        using var identity = NodeIdentity.Generate();
        var text = $"/ip4/127.0.0.1/udp/4001/p2p/{identity.PeerId}";
        Assert.True(PeerAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(4001, address!.EndPoint.Port);
        Assert.Equal(identity.PeerId, address.PeerId);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/ip4/127.0.0.1/tcp/4001")]
    [InlineData("/ip4/::1/udp/4001")]
    [InlineData("/ip4/127.0.0.1/udp/70000")]
    [InlineData("/ip4/127.0.0.1/udp/4001/p2p/notapeer")]
    [InlineData("/ip4/127.0.0.1/udp/4001/ipfs/x")]
    [InlineData("ip4/127.0.0.1/udp/4001")]
    public void TryParse_RejectsMalformedWithOneLineReason(string text)
    {
        Assert.False(PeerAddress.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain('\n', error);
    }
}
