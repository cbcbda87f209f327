using System.Buffers.Binary;
using P2P.Node.Content.Car;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Car;

public class CarReaderTests
{
    private static async Task<(CarHeader Header, List<CarBlock> Blocks)> ReadAllAsync(byte[] car, CarLimits? limits = null)
    {
        var reader = new CarReader(new MemoryStream(car), limits);
        var header = await reader.ReadHeaderAsync();
        var blocks = new List<CarBlock>();
        await foreach (var block in reader.ReadBlocksAsync())
            blocks.Add(block);
        return (header, blocks);
    }

    private static byte[] Fixture(string name) => File.ReadAllBytes(CarFixtures.Named(name).FullPath);

    /// <summary>The byte offsets where sections begin, plus the end: the only places a CAR may end.</summary>
    private static async Task<HashSet<long>> BoundariesAsync(byte[] car)
    {
        var reader = new CarReader(new MemoryStream(car));
        await reader.ReadHeaderAsync();
        var set = new HashSet<long> { reader.Position };
        while (await reader.ReadBlockAsync() is not null)
            set.Add(reader.Position);
        return set;
    }

    [Fact]
    public async Task ReadBlockAsync_ReferenceCar_GivesSectionsInOrder()
    {
        var (header, blocks) = await ReadAllAsync(Fixture("multilevel-v1-raw.car"));
        Assert.Equal(1, header.Version);
        Assert.Equal(header.Roots[0], blocks[0].Cid);
        Assert.Equal(28, blocks.Count);
        Assert.All(blocks, b => Assert.True(b.Cid.Multihash.Matches(b.Data.Span)));
    }

    [Fact]
    public async Task ReadBlockAsync_EveryTruncation_FailsCleanlyOrEndsAtASectionBoundary()
    {
        var car = Fixture("directory-v0.car");
        var boundaries = await BoundariesAsync(car);
        // Every prefix of the first 2 KiB and a stride through the rest (the big leaf is 262 KiB).
        var cuts = Enumerable.Range(0, 2048).Concat(Enumerable.Range(0, car.Length / 997).Select(i => i * 997)).Distinct();
        foreach (var cut in cuts)
        {
            var prefix = car[..cut];
            if (boundaries.Contains(cut))
            {
                // A CAR cut between sections is itself a valid, shorter CAR; pinning its roots finds the gap.
                var (_, blocks) = await ReadAllAsync(prefix);
                Assert.True(blocks.Count < 8 || cut == car.Length);
            }
            else
            {
                await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(prefix));
            }
        }
    }

    [Fact]
    public async Task ReadBlockAsync_SectionLongerThanTheLimit_ThrowsBeforeAllocating()
    {
        var car = CarHeaderBytes().Concat(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f }).ToArray();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(car));
        Assert.Contains("the limit is", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadBlockAsync_BlockOverTheLimit_Throws()
    {
        var car = Fixture("multilevel-v1-raw.car");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(car, new CarLimits { MaxBlockLength = 500 }));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00", "empty")]
    [InlineData("0401551220", "bad CID")]
    [InlineData("ff", "truncated")]
    [InlineData("80808080808080808001", "malformed length")]
    [InlineData("0500", "truncated")]
    public async Task ReadBlockAsync_MalformedSection_ThrowsInvalidData(string sectionHex, string message)
    {
        var car = CarHeaderBytes().Concat(Convert.FromHexString(sectionHex)).ToArray();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(car));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "truncated")]
    [InlineData("00", "empty")]
    [InlineData("ffff07", "limit")]
    [InlineData("0aa265726f6f7473", "truncated")]
    public async Task ReadHeaderAsync_MalformedHeader_ThrowsInvalidData(string hex, string message)
    {
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(Convert.FromHexString(hex)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadHeaderAsync_CarV2_ReadsTheInnerPayloadOnly()
    {
        var v1 = Fixture("directory-v0.car");
        var v2 = WrapInCarV2(v1, padding: 13, trailer: [1, 2, 3, 4, 5, 6, 7]);
        var (header, blocks) = await ReadAllAsync(v2);
        var (header1, blocks1) = await ReadAllAsync(v1);
        Assert.Equal(header1.Roots, header.Roots);
        Assert.Equal(blocks1.Select(b => b.Cid), blocks.Select(b => b.Cid));
    }

    [Fact]
    public async Task ReadHeaderAsync_CarV2WithBadDataSize_Throws()
    {
        var v1 = Fixture("hello-v1-raw.car");
        var v2 = WrapInCarV2(v1, padding: 0, trailer: []);
        BinaryPrimitives.WriteUInt64LittleEndian(v2.AsSpan(11 + 24), (ulong)v1.Length - 3);
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(v2));
    }

    /// <summary>A CARv2 (ipld.io/specs/transport/car/carv2): pragma, 40-byte header, padding, the v1 payload, a fake index.</summary>
    internal static byte[] WrapInCarV2(byte[] v1, int padding, byte[] trailer)
    {
        var pragma = Convert.FromHexString("0aa16776657273696f6e02");
        var fixedHeader = new byte[40];
        var dataOffset = pragma.Length + fixedHeader.Length + padding;
        BinaryPrimitives.WriteUInt64LittleEndian(fixedHeader.AsSpan(16), (ulong)dataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedHeader.AsSpan(24), (ulong)v1.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedHeader.AsSpan(32), (ulong)(dataOffset + v1.Length));
        return [.. pragma, .. fixedHeader, .. new byte[padding], .. v1, .. trailer];
    }

    private static byte[] CarHeaderBytes()
    {
        var header = CarHeaderCodec.Encode([Cid.V1(Multicodec.Raw, Multihash.Sha256([]))]);
        return [(byte)header.Length, .. header];
    }
}
