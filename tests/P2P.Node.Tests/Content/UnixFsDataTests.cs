using P2P.Node.Content.UnixFs;

namespace P2P.Node.Tests.Content;

public class UnixFsDataTests
{
    [Fact]
    public void Encode_LeafOfHelloWorld_MatchesKuboBytes()
    {
        var data = new UnixFsData { Type = UnixFsType.File, Data = "hello world"u8.ToArray(), FileSize = 11 };
        Assert.Equal("0802120b68656c6c6f20776f726c64180b", Convert.ToHexStringLower(data.Encode()));
    }

    [Fact]
    public void Encode_Directory_IsTypeOnly()
    {
        Assert.Equal("0801", Convert.ToHexStringLower(new UnixFsData { Type = UnixFsType.Directory }.Encode()));
    }

    [Fact]
    public void DecodeOfEncode_AllFields_RoundTrips()
    {
        var data = new UnixFsData
        {
            Type = UnixFsType.HamtShard,
            Data = new byte[] { 1, 2, 3 },
            FileSize = 1UL << 40,
            BlockSizes = [262144, 5],
            HashType = 0x22,
            Fanout = 256,
            Mode = 0x1ED,
            MTime = new UnixFsTime(-5, 999),
        };
        var bytes = data.Encode();
        Assert.Equal(bytes.Length, data.GetEncodedLength());
        var back = UnixFsData.Decode(bytes);
        Assert.Equal(data.Type, back.Type);
        Assert.Equal(new byte[] { 1, 2, 3 }, back.Data!.Value.ToArray());
        Assert.Equal(data.FileSize, back.FileSize);
        Assert.Equal(data.BlockSizes, back.BlockSizes);
        Assert.Equal(data.HashType, back.HashType);
        Assert.Equal(data.Fanout, back.Fanout);
        Assert.Equal(data.Mode, back.Mode);
        Assert.Equal(data.MTime, back.MTime);
        Assert.Equal(bytes, back.Encode());
    }

    [Fact]
    public void Decode_PackedBlockSizes_AreAccepted()
    {
        var back = UnixFsData.Decode(Convert.FromHexString("0802" + "2203" + "8002" + "05"));
        Assert.Equal(new ulong[] { 256, 5 }, back.BlockSizes);
    }

    [Theory]
    [InlineData("", "no Type")]
    [InlineData("0809", "unknown")]
    [InlineData("080212", "truncated")]
    [InlineData("0802120a00", "claims")]
    [InlineData("0a00", "wrong wire type")]
    [InlineData("08024200", "no Seconds")]
    [InlineData("0802ff", "truncated")]
    public void Decode_Malformed_ThrowsInvalidData(string hex, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => UnixFsData.Decode(Convert.FromHexString(hex)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_RandomBytes_NeverThrows()
    {
        var random = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(0, 48)];
            random.NextBytes(bytes);
            if (!UnixFsData.TryDecode(bytes, out _, out var error))
                Assert.NotNull(error);
        }
    }
}
