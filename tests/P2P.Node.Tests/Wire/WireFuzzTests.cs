using CsCheck;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Wire;

public class WireFuzzTests
{
    private static readonly byte[][] Corpus = WireCodecTests.Samples()
        .Select(WireCodec.Encode)
        .Where(b => b.Length < 64 * 1024)
        .ToArray();

    private static void DecodeNeverThrows(byte[] bytes)
    {
        var ok = WireCodec.TryDecode(bytes, out var message, out var error);
        Assert.True(ok ? message is not null && error is null : message is null && error is not null);
    }

    [Fact]
    public void TryDecode_RandomBytesNeverThrow()
    {
        Gen.Byte.Array[0, 300].Sample(DecodeNeverThrows, iter: 20_000, seed: "0000c2Ylb4E1");
    }

    [Fact]
    public void TryDecode_RandomBodiesWithValidHeaderNeverThrow()
    {
        Gen.Select(Gen.Enum<WireMessageType>(), Gen.Byte.Array[0, 200])
            .Sample((type, body) => DecodeNeverThrows([WireCodec.Version, (byte)type, .. body]), iter: 20_000, seed: "0000c2Ylb4E1");
    }

    [Fact]
    public void TryDecode_TruncationsNeverThrow()
    {
        foreach (var bytes in Corpus)
        {
            for (var length = 0; length < bytes.Length; length++)
            {
                DecodeNeverThrows(bytes[..length]);
            }
        }
    }

    [Fact]
    public void TryDecode_BitFlipsNeverThrowAndValidOnesReEncode()
    {
        Gen.Select(Gen.Int[0, Corpus.Length - 1], Gen.Int[0, int.MaxValue], Gen.Int[1, 4]).Sample((which, position, flips) =>
        {
            var bytes = (byte[])Corpus[which].Clone();
            var random = new Random(position);
            for (var i = 0; i < flips; i++)
            {
                var bit = random.Next(bytes.Length * 8);
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            }
            DecodeNeverThrows(bytes);
            if (WireCodec.TryDecode(bytes, out var message, out _))
                Assert.True(WireCodec.TryDecode(WireCodec.Encode(message!), out _, out _));
        }, iter: 20_000, seed: "0000c2Ylb4E1");
    }
}
