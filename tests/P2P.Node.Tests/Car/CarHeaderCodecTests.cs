using P2P.Node.Content.Car;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Car;

public class CarHeaderCodecTests
{
    private static readonly Cid RawHello = Cid.Parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    private static readonly Cid EmptyV0 = Cid.Parse("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");

    [Fact]
    public void Encode_OneRoot_IsCanonicalDagCbor()
    {
        var bytes = CarHeaderCodec.Encode([RawHello]);
        // a2 | 65 "roots" | 81 | d8 2a 58 25 00 <36-byte CID> | 67 "version" | 01
        var expected = Convert.FromHexString("a265726f6f747381d82a58250001551220")
            .Concat(RawHello.Multihash.Digest.ToArray())
            .Concat(Convert.FromHexString("6776657273696f6e01"))
            .ToArray();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(bytes));
    }

    [Fact]
    public void Decode_EncodedHeader_RoundTrips()
    {
        var roots = new[] { RawHello, EmptyV0 };
        var header = CarHeaderCodec.Decode(CarHeaderCodec.Encode(roots), 10);
        Assert.Equal(1, header.Version);
        Assert.Equal(roots, header.Roots);
    }

    [Fact]
    public void Decode_ManyRoots_UsesLongerArrayLengths()
    {
        var roots = Enumerable.Range(0, 300).Select(i => Cid.V1(Multicodec.Raw, Multihash.Sha256([(byte)i, (byte)(i >> 8)]))).ToArray();
        var header = CarHeaderCodec.Decode(CarHeaderCodec.Encode(roots), 1000);
        Assert.Equal(roots, header.Roots);
        Assert.Throws<InvalidDataException>(() => CarHeaderCodec.Decode(CarHeaderCodec.Encode(roots), 299));
    }

    [Fact]
    public void Decode_KeysInOtherOrder_IsAccepted()
    {
        var bytes = Convert.FromHexString("a26776657273696f6e0165726f6f747380");
        var header = CarHeaderCodec.Decode(bytes, 10);
        Assert.Equal(1, header.Version);
        Assert.Empty(header.Roots);
    }

    [Fact]
    public void Decode_CarV2Pragma_GivesVersionTwo()
    {
        var header = CarHeaderCodec.Decode(Convert.FromHexString("a16776657273696f6e02"), 10);
        Assert.Equal(2, header.Version);
    }

    [Theory]
    [InlineData("", "ends inside")]
    [InlineData("a0", "0 entries")]
    [InlineData("a265726f6f7473806776657273696f6e03", "unsupported CAR version 3")]
    [InlineData("a16776657273696f6e01", "no roots")]
    [InlineData("a165726f6f747380", "no version")]
    [InlineData("a265726f6f7473806776657273696f6e0100", "trailing")]
    [InlineData("a265726f6f7473806576657273696f6e01", "unexpected or repeated")]
    [InlineData("a365726f6f747380657261697473806776657273696f6e01", "3 entries")]
    [InlineData("a265726f6f747380656f6f74737380", "unexpected or repeated")]
    [InlineData("a265726f6f7473806776657273696f6e1801", "not minimally encoded")]
    [InlineData("a265726f6f74739f6776657273696f6e01", "indefinite")]
    [InlineData("a265726f6f747381d82b4400015500", "tag 43")]
    [InlineData("a265726f6f747381d82a44ff015500", "0x00 multibase prefix")]
    [InlineData("a265726f6f747381d82a4400015500", "not a valid CID")]
    [InlineData("a265726f6f747381d82a58ff00", "ends inside")]
    [InlineData("a265726f6f747381d82a40", "0x00 multibase prefix")]
    [InlineData("a265726f6f7473816776657273696f6e01", "major type")]
    [InlineData("8165726f6f7473", "major type")]
    public void Decode_MalformedHeader_ThrowsInvalidData(string hex, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => CarHeaderCodec.Decode(Convert.FromHexString(hex), 10));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid CAR header:", ex.Message, StringComparison.Ordinal);
    }
}
