using P2P.Node.Security;

namespace P2P.Node.Tests.Security;

public class NodeIdentityTests
{
    [Fact]
    public void ExportPrivateKey_ReimportsToSamePeerId()
    {
        using var identity = NodeIdentity.Generate();
        var raw = identity.ExportPrivateKey();
        Assert.Equal(32, raw.Length);
        using var again = NodeIdentity.FromPrivateKey(raw);
        Assert.Equal(identity.PeerId, again.PeerId);
        Assert.Equal(identity.PublicKey.ToArray(), identity.PeerId.PublicKey.ToArray());
    }

    [Fact]
    public void Sign_VerifiesOnlyForSameDataAndKey()
    {
        using var identity = NodeIdentity.Generate();
        using var other = NodeIdentity.Generate();
        var data = "hello"u8.ToArray();
        var signature = identity.Sign(data);
        Assert.True(NodeIdentity.Verify(identity.PeerId, data, signature));
        Assert.False(NodeIdentity.Verify(other.PeerId, data, signature));
        Assert.False(NodeIdentity.Verify(identity.PublicKey, "hellO"u8, signature));
        Assert.False(NodeIdentity.Verify(identity.PublicKey, data, signature.AsSpan(1)));
    }

    [Fact]
    public void FromPrivateKey_RejectsWrongLength()
    {
        var ex = Assert.Throws<InvalidDataException>(() => NodeIdentity.FromPrivateKey(new byte[31]));
        Assert.Contains("32 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPrivateKey_IsDeterministic()
    {
        var raw = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        using var a = NodeIdentity.FromPrivateKey(raw);
        using var b = NodeIdentity.FromPrivateKey(raw);
        Assert.Equal(a.PeerId, b.PeerId);
        Assert.Equal(a.PeerId.ToString(), a.ToString());
    }
}
