using P2P.Node.Content.Car;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Car;

public class CarImporterTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(CarFixtures.Named(name).FullPath);

    /// <summary>The fixture with one byte flipped inside its last block's data.</summary>
    private static byte[] CorruptLastBlock(string name)
    {
        var car = Fixture(name);
        car[^1] ^= 0x01;
        return car;
    }

    [Fact]
    public async Task ImportAsync_CorruptedBlockInSeekableStream_StoresNothing()
    {
        var store = new MemoryBlockStore();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(
            () => CarImporter.ImportAsync(new MemoryStream(CorruptLastBlock("directory-v0.car")), store));
        Assert.Contains("corrupted", ex.Message, StringComparison.Ordinal);
        Assert.Empty(store.EnumerateMultihashes());
    }

    [Fact]
    public async Task ImportAsync_CorruptedBlockInUnseekableStream_StoresOnlyTheVerifiedPrefix()
    {
        var car = CorruptLastBlock("directory-v0.car");
        var store = new MemoryBlockStore();
        await Assert.ThrowsAsync<InvalidDataException>(() => CarImporter.ImportAsync(new ForwardOnlyStream(car), store));
        var stored = store.EnumerateMultihashes().ToList();
        Assert.Equal(7, stored.Count);
        Assert.All(stored, mh => Assert.True(mh.Matches(store.Get(Cid.V1(Multicodec.Raw, mh))!)));
    }

    [Fact]
    public async Task ImportAsync_TruncatedFile_StoresNothing()
    {
        var car = Fixture("multilevel-v1-raw.car");
        var store = new MemoryBlockStore();
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => CarImporter.ImportAsync(new MemoryStream(car[..^10]), store));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Empty(store.EnumerateMultihashes());
    }

    [Fact]
    public async Task ImportAsync_UnknownHashFunction_IsRejectedWithItsName()
    {
        using var car = new MemoryStream();
        var writer = new CarWriter(car);
        var odd = Cid.V1(Multicodec.Raw, Multihash.Parse([0x13, 0x04, 1, 2, 3, 4]));
        await writer.WriteHeaderAsync([odd]);
        await writer.WriteBlockAsync(odd, new byte[] { 9 });
        car.Position = 0;
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => CarImporter.ImportAsync(car, new MemoryBlockStore()));
        Assert.Contains("cannot verify", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportAsync_CarV2_StoresThePayload()
    {
        var v2 = CarReaderTests.WrapInCarV2(Fixture("multilevel-v1-raw.car"), padding: 5, trailer: [0xde, 0xad]);
        var store = new MemoryBlockStore();
        var result = await CarImporter.ImportAsync(new MemoryStream(v2), store);
        Assert.Equal(CarFixtures.Named("multilevel-v1-raw.car").Root, result.Roots[0].ToString());
        Assert.Equal(28, store.EnumerateMultihashes().Count());
    }

    [Fact]
    public async Task VerifyAsync_GoodCar_CountsBlocksAndStoresNothing()
    {
        var result = await CarImporter.VerifyAsync(new MemoryStream(Fixture("directory-v0.car")));
        Assert.Equal(8, result.Blocks);
        Assert.Equal("QmNwmpJyTFeRiLVa42JHcngBDQ6u1ZR5DRAb8m4hApootw", result.Roots[0].ToString());
    }

    /// <summary>A stream that cannot seek, like stdin or an HTTP body.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
