using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Multiformats;

public sealed class Base36Tests
{
    [Theory]
    [InlineData(new byte[] { }, "")]
    [InlineData(new byte[] { 0 }, "0")]
    [InlineData(new byte[] { 0, 0, 35 }, "00z")]
    [InlineData(new byte[] { 1, 0 }, "74")]
    [InlineData(new byte[] { 0xFF, 0xFF }, "1ekf")]
    public void Encode_KnownValues(byte[] data, string expected) => Assert.Equal(expected, Base36.Encode(data));

    [Fact]
    public void Decode_OfEncode_IsIdentity_ForSeededRandomBytes()
    {
        var random = new Random(36);
        for (var i = 0; i < 200; i++)
        {
            var data = new byte[random.Next(0, 70)];
            random.NextBytes(data);
            if (data.Length > 0 && random.Next(4) == 0)
                data[0] = 0;
            var text = Base36.Encode(data);
            Assert.Equal(data, Base36.TryDecode(text));
            Assert.Equal(data, Base36.TryDecode(text.ToUpperInvariant()));
        }
    }

    [Fact]
    public void Multibase_DecodesTheKPrefix_AndRefusesBadCharacters()
    {
        Assert.Equal(new byte[] { 0xFF, 0xFF }, Multibase.TryDecode("k1ekf", out _));
        Assert.Equal(new byte[] { 0xFF, 0xFF }, Multibase.TryDecode("K1EKF", out _));
        Assert.Null(Multibase.TryDecode("k1e-f", out var error));
        Assert.Contains("base36", error, StringComparison.Ordinal);
    }
}
