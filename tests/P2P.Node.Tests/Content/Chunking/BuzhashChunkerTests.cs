using System.Numerics;
using P2P.Node.Content.Chunking;

namespace P2P.Node.Tests.Content.Chunking;

public class BuzhashChunkerTests
{
    [Fact]
    public void Table_RegeneratedWithBoxosRecipe_EqualsTheCommittedTable()
    {
        // boxo's chunker/gen: start with 128 all-ones entries, then 200 rounds of swapping each bit column along
        // a Go math/rand (seed 0) permutation. Rebuilding it checks both the copied table and the Go RNG port.
        var rnd = new GoMathRand(0);
        var lut = new uint[256];
        for (var i = 0; i < 128; i++)
            lut[i] = uint.MaxValue;
        for (var round = 0; round < 200; round++)
        {
            for (var b = 0; b < 32; b++)
            {
                var mask = 1u << b;
                var perm = rnd.Perm(256);
                for (var i = 0; i < 256; i++)
                {
                    var j = perm[i];
                    uint li = lut[i], lj = lut[j];
                    lut[i] = (li & ~mask) | (lj & mask);
                    lut[j] = (lj & ~mask) | (li & mask);
                }
            }
        }
        Assert.Equal(lut, BuzhashTable.Values);
    }

    [Fact]
    public void Table_EveryBitPosition_HasExactly128Ones()
    {
        for (var bit = 0; bit < 32; bit++)
            Assert.Equal(128, BuzhashTable.Values.Count(v => (v >> bit & 1) == 1));
    }

    [Fact]
    public void FindCut_EachCut_IsTheFirstWindowWhoseHashHasTheLowBitsClear()
    {
        var data = new byte[BuzhashChunker.MaxLength];
        new Random(8).NextBytes(data);
        var expected = BuzhashChunker.MaxLength;
        for (var end = BuzhashChunker.MinLength; end < BuzhashChunker.MaxLength; end++)
        {
            if ((WindowHash(data.AsSpan(end - 32, 32)) & ((1u << 17) - 1)) == 0)
            {
                expected = end;
                break;
            }
        }
        Assert.Equal(expected, BuzhashChunker.Instance.FindCut(data, atEnd: false));
    }

    [Fact]
    public async Task FindCut_RandomData_CutsBetweenMinAndMaxAndCoversTheInput()
    {
        var data = new byte[16 * 1024 * 1024 + 5];
        new Random(9).NextBytes(data);
        var lengths = await ChunkingHarness.LengthsAsync(BuzhashChunker.Instance, data);
        Assert.Equal(data.Length, lengths.Sum());
        Assert.All(lengths[..^1], n => Assert.InRange(n, BuzhashChunker.MinLength, BuzhashChunker.MaxLength));
        var trickled = await ChunkingHarness.LengthsAsync(BuzhashChunker.Instance, new TricklingStream(data, new Random(10)));
        Assert.Equal(lengths, trickled);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BuzhashChunker.MinLength - 1)]
    [InlineData(BuzhashChunker.MinLength)]
    public async Task FindCut_ShortStreams_OneChunkOfEverything(int length)
    {
        var lengths = await ChunkingHarness.LengthsAsync(BuzhashChunker.Instance, new byte[length]);
        Assert.Equal(length == 0 ? [] : new[] { length }, lengths);
    }

    [Fact]
    public async Task FindCut_Zeros_CutAtMinimum()
    {
        // The hash of 32 zero bytes is the XOR of 32 rotations of table[0]; whatever it is, every window of zeros
        // has the same one, so zeros either cut at the minimum every time or never (then at the maximum).
        var lengths = await ChunkingHarness.LengthsAsync(BuzhashChunker.Instance, new byte[2 * 1024 * 1024]);
        var zeroHash = WindowHash(new byte[32]);
        var expected = (zeroHash & ((1u << 17) - 1)) == 0 ? BuzhashChunker.MinLength : BuzhashChunker.MaxLength;
        Assert.All(lengths[..^1], n => Assert.Equal(expected, n));
    }

    private static uint WindowHash(ReadOnlySpan<byte> window)
    {
        uint h = 0;
        foreach (var b in window)
            h = BitOperations.RotateLeft(h, 1) ^ BuzhashTable.Values[b];
        return h;
    }
}
