using CsCheck;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Security;

public class PeerIdTests
{
    private static readonly Gen<byte[]> Keys = Gen.Byte.Array[32];

    [Fact]
    public void FromPublicKey_LaysOutLibp2pIdentityMultihash()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var id = PeerId.FromPublicKey(key);
        Assert.Equal(new byte[] { 0x00, 0x24, 0x08, 0x01, 0x12, 0x20 }.Concat(key).ToArray(), id.Bytes.ToArray());
        Assert.StartsWith("12D3KooW", id.ToString(), StringComparison.Ordinal);
        Assert.Equal(key, id.PublicKey.ToArray());
    }

    [Fact]
    public void TextAndBytes_RoundTripForAnyKey()
    {
        Keys.Sample(key =>
        {
            var id = PeerId.FromPublicKey(key);
            Assert.Equal(id, PeerId.Parse(id.ToString()));
            Assert.Equal(id, PeerId.Parse(id.ToCidString()));
            Assert.Equal(id, PeerId.FromBytes(id.Bytes));
            Assert.StartsWith("12D3KooW", id.ToString(), StringComparison.Ordinal);
            Assert.Equal(key, id.PublicKey.ToArray());
        }, seed: "0000c2Ylb4E1");
    }

    [Fact]
    public void ToCidString_IsBase32Libp2pKeyCid()
    {
        var id = PeerId.FromPublicKey(new byte[32]);
        var cid = Cid.Parse(id.ToCidString());
        Assert.Equal(Multicodec.Libp2pKey, cid.Codec);
        Assert.Equal(id.Bytes.ToArray(), cid.Multihash.Bytes.ToArray());
        Assert.StartsWith("bafzaa", id.ToCidString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NodeId_IsSha256OfBytes()
    {
        var id = PeerId.FromPublicKey(new byte[32]);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(id.Bytes), id.NodeId.ToArray());
        Assert.Equal(32, id.NodeId.Length);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("12D3KooW0", "base58btc")]
    [InlineData("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", "sha2-256")]
    [InlineData("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", "libp2p-key")]
    [InlineData("xyz", "CID")]
    public void TryParse_RejectsWithClearError(string text, string fragment)
    {
        Assert.False(PeerId.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.Contains(fragment, error, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<FormatException>(() => PeerId.Parse(text));
    }

    [Fact]
    public void TryFromBytes_RejectsOtherKeyTypes()
    {
        var bytes = PeerId.FromPublicKey(new byte[32]).Bytes.ToArray();
        bytes[3] = 0x02; // secp256k1
        Assert.False(PeerId.TryFromBytes(bytes, out _, out var error));
        Assert.Contains("Ed25519", error, StringComparison.Ordinal);
        Assert.False(PeerId.TryFromBytes(bytes.AsSpan(0, 37), out _, out _));
    }

    [Fact]
    public void Equality_IsByBytes()
    {
        var a = PeerId.FromPublicKey(new byte[32]);
        var b = PeerId.Parse(a.ToString());
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, PeerId.FromPublicKey(Enumerable.Repeat((byte)1, 32).ToArray()));
    }
}
