using P2P.Node.Hosting.Gateway.DelegatedRouting;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>The peer-id forms the peers route accepts.</summary>
public sealed class RoutingIdsTests
{
    private static readonly PeerId Peer = ScriptedRouter.Record(3).Id;

    [Fact]
    public void TryParsePeer_Base58AndLibp2pKeyCid_AreTheSamePeer()
    {
        Assert.True(RoutingIds.TryParsePeer(Peer.ToString(), out var byBase58, out _));
        Assert.True(RoutingIds.TryParsePeer(Peer.ToCidString(), out var byCid, out _));
        Assert.Equal(Peer, byBase58);
        Assert.Equal(Peer, byCid);
    }

    [Fact]
    public void TryParsePeer_CidOfAnotherCodecHoldingAPeerId_IsAccepted()
    {
        var raw = Cid.V1(Multicodec.Raw, Multihash.Parse(Peer.Bytes)).ToString();

        Assert.True(RoutingIds.TryParsePeer(raw, out var peer, out _));
        Assert.Equal(Peer, peer);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12D3KooW")]
    [InlineData("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")]
    public void TryParsePeer_NotAPeer_IsRefusedWithAReason(string text)
    {
        Assert.False(RoutingIds.TryParsePeer(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
