using System.Text;
using P2P.Node.Multiformats;
using P2P.Node.Naming;

namespace P2P.Node.Tests.Naming;

public sealed class IpnsNameTests
{
    [Fact]
    public void FromPeerId_PrintsTheReferenceLibrarysBase36Name()
    {
        var name = IpnsName.FromPeerId(PeerId.Parse(IpnsVectors.PeerId));
        Assert.Equal(IpnsVectors.Name, name.ToString());
        Assert.Equal(IpnsVectors.PeerId, name.ToBase58String());
        Assert.StartsWith("bafzaa", name.ToBase32String(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(IpnsVectors.Name)]
    [InlineData("/ipns/" + IpnsVectors.Name)]
    [InlineData(IpnsVectors.PeerId)]
    [InlineData("/ipns/" + IpnsVectors.PeerId)]
    public void TryParse_EveryForm_GivesTheSameName(string text)
    {
        Assert.True(IpnsName.TryParse(text, out var name, out var error), error);
        Assert.Equal(IpnsVectors.Name, name.ToString());
        Assert.Equal(PeerId.Parse(IpnsVectors.PeerId), name.PeerId);
    }

    [Fact]
    public void TryParse_Base32AndUpperCaseBase36_GiveTheSameName()
    {
        var name = IpnsName.FromPeerId(PeerId.Parse(IpnsVectors.PeerId));
        Assert.True(IpnsName.TryParse(name.ToBase32String(), out var fromBase32, out _));
        Assert.True(IpnsName.TryParse(IpnsVectors.Name.ToUpperInvariant(), out var fromUpper, out var error), error);
        Assert.Equal(name, fromBase32);
        Assert.Equal(name, fromUpper);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("bafkqaddwgevxmmraojswg33smq", "not libp2p-key")]
    [InlineData("k51qzi5uqu5dj7skeind43o1an76ns1q5g2bupqw6o1hmcccenbkvalzo2olt!", "base36")]
    [InlineData("12D3KooW0000", "base58btc")]
    public void TryParse_NotAName_SaysWhy(string text, string expected)
    {
        Assert.False(IpnsName.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RoutingKey_IsIpnsPrefixAndMultihash_AndReadsBack()
    {
        var peer = PeerId.Parse(IpnsVectors.PeerId);
        var name = IpnsName.FromPeerId(peer);
        Assert.Equal([.. "/ipns/"u8, .. peer.Bytes], name.RoutingKey);
        Assert.True(IpnsName.TryFromRoutingKey(name.RoutingKey, out var back, out var error), error);
        Assert.Equal(name, back);
        Assert.False(IpnsName.TryFromRoutingKey(Encoding.ASCII.GetBytes("/pk/x"), out _, out _));
    }

    [Fact]
    public void Names_MatchesOnlyTheKeyInlinedInTheName()
    {
        using var key = IpnsVectors.Key();
        var name = IpnsName.FromPeerId(key.PeerId);
        Assert.True(name.Names(Libp2pKey.EncodePublicKey(key.PublicKey)));
        using var other = P2P.Node.Security.NodeIdentity.Generate();
        Assert.False(name.Names(Libp2pKey.EncodePublicKey(other.PublicKey)));
    }
}
