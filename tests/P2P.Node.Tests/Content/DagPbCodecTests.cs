using CsCheck;
using P2P.Node.Content.DagPb;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Content;

public class DagPbCodecTests
{
    private static readonly Cid SomeCid = Cid.Parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");

    private static readonly Gen<Cid> GenCid = Gen.Byte.Array[32].Select(Gen.Bool, (digest, v0) =>
    {
        var mh = Multihash.Sha256(digest);
        return v0 ? Cid.V0(mh) : Cid.V1(Multicodec.Raw, mh);
    });

    private static readonly Gen<PbLink> GenLink = Gen.Select(
        GenCid,
        Gen.String[Gen.Char.AlphaNumeric, 0, 12].Null(),
        Gen.ULong.Nullable(),
        (cid, name, tsize) => new PbLink(cid, name, tsize));

    private static readonly Gen<PbNode> GenNode = Gen.Select(
        GenLink.Array[0, 6],
        Gen.Byte.Array[0, 40].Null(),
        (links, data) => new PbNode(links, data is null ? null : data));

    private static T Draw<T>(Gen<T> gen, PCG pcg) => gen.Generate(pcg, null, out _);

    [Fact]
    public void Encode_PutsLinksBeforeData()
    {
        var node = new PbNode([new PbLink(SomeCid, "", 11)], new byte[] { 8, 2 });
        var bytes = DagPbCodec.Encode(node);
        Assert.Equal(0x12, bytes[0]);
        Assert.Equal(new byte[] { 0x0a, 2, 8, 2 }, bytes[^4..]);
        Assert.Equal(bytes.Length, DagPbCodec.GetEncodedLength(node));
    }

    [Fact]
    public void DecodeOfEncode_RandomNodes_IsIdentity()
    {
        var pcg = new PCG(1, 20261125);
        for (var i = 0; i < 500; i++)
        {
            var node = Draw(GenNode, pcg);
            var bytes = DagPbCodec.Encode(node);
            var back = DagPbCodec.Decode(bytes);
            Assert.Equal(node.Links, back.Links);
            Assert.Equal(node.Data.HasValue, back.Data.HasValue);
            if (node.Data is { } data)
                Assert.True(data.Span.SequenceEqual(back.Data!.Value.Span));
            Assert.Equal(bytes, DagPbCodec.Encode(back));
        }
    }

    [Fact]
    public void Decode_MutatedBlocks_EitherFailsCleanlyOrReencodesIdentically()
    {
        var pcg = new PCG(2, 7);
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = DagPbCodec.Encode(Draw(GenNode, pcg));
            if (bytes.Length == 0)
                continue;
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0)
                bytes = bytes[..random.Next(bytes.Length)];
            if (DagPbCodec.TryDecode(bytes, out var node, out var error))
                Assert.Equal(bytes, DagPbCodec.Encode(node!));
            else
                Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void TryDecode_RandomBytes_NeverThrows()
    {
        var random = new Random(11);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (!DagPbCodec.TryDecode(bytes, out _, out var error))
                Assert.NotNull(error);
        }
    }

    [Theory]
    [InlineData("0a0108" + "12240a221220" + "0000000000000000000000000000000000000000000000000000000000000000", "after Data")]
    [InlineData("1a00", "unknown field")]
    [InlineData("0a05", "claims 5 bytes")]
    [InlineData("0b", "wire type 3")]
    [InlineData("1202" + "1200", "no Hash")]
    [InlineData("0a8000", "non-minimal")]
    [InlineData("120412001200", "duplicated or out of order")]
    [InlineData("12031801ff", "truncated")]
    [InlineData("1205180100", "claims 5 bytes")]
    public void Decode_Malformed_ThrowsInvalidDataWithReason(string hex, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => DagPbCodec.Decode(Convert.FromHexString(hex)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OversizedBlock_IsRejectedBeforeParsing()
    {
        var e = Assert.Throws<InvalidDataException>(() => DagPbCodec.Decode(new byte[DagPbCodec.MaxBlockSize + 1]));
        Assert.Contains("exceeds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_InvalidUtf8Name_IsRejected()
    {
        var link = new List<byte> { 0x0a, 34 };
        link.AddRange(SomeCid.Multihash.Bytes.ToArray());
        link.AddRange(new byte[] { 0x12, 1, 0xff });
        var block = new List<byte> { 0x12, (byte)link.Count };
        block.AddRange(link);
        var e = Assert.Throws<InvalidDataException>(() => DagPbCodec.Decode(block.ToArray()));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }
}
