using System.Text;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Content;

public class CidTests
{
    [Fact]
    public void V1Raw_HelloWorld_MatchesKubo()
    {
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(Encoding.UTF8.GetBytes("hello world")));
        Assert.Equal("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", cid.ToString());
    }

    [Theory]
    [InlineData("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")]
    [InlineData("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")]
    [InlineData("bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa")]
    public void Parse_ThenFormat_RoundTrips(string text)
    {
        var cid = Cid.Parse(text);
        Assert.Equal(text, cid.ToString());
        Assert.Equal(cid, Cid.FromBytes(cid.Bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Qm123")]
    [InlineData("bafkrei!!!")]
    [InlineData("xyz")]
    [InlineData("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQ0")]
    [InlineData("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk")]
    public void TryParse_Malformed_ReturnsError(string text)
    {
        Assert.False(Cid.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
