using CsCheck;
using P2P.Node.Content.Car;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Car;

/// <summary>Laws of CAR export and import, drawn from seeded CsCheck generators so every run sees the same cases.</summary>
public class CarRoundTripPropertyTests
{
    private static readonly Gen<(ImportOptions Options, int Length)> GenFile =
        Gen.Select(
            Gen.Int[0, 3].Select(i => new[] { 1, 100, 1024, 262_144 }[i]),
            Gen.Int[0, 2].Select(i => new[] { 2, 5, 174 }[i]),
            Gen.Int[0, 1],
            Gen.Bool,
            Gen.Int[0, 600_000],
            (chunk, links, version, raw, length) =>
                (new ImportOptions { ChunkSize = chunk, MaxLinks = links, CidVersion = version, RawLeaves = raw },
                 Math.Min(length, chunk * 3_000)));

    private static readonly Gen<byte[][]> GenBlocks =
        Gen.Byte.Array[0, 300].Array[0, 20];

    private static T Draw<T>(Gen<T> gen, PCG pcg) => gen.Generate(pcg, null, out _);

    [Fact]
    public async Task ExportThenImport_AnyFile_RestoresTheSameDagAndBytes()
    {
        var pcg = new PCG(11, 20261125);
        var random = new Random(20261125);
        for (var i = 0; i < 30; i++)
        {
            var (options, length) = Draw(GenFile, pcg);
            var data = new byte[length];
            random.NextBytes(data);
            if (length > 4 && random.Next(3) == 0)
                Array.Fill(data, (byte)7, 0, length / 2); // repeated chunks: blocks reached twice
            var source = new MemoryBlockStore();
            var added = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), options, source);

            using var car = new MemoryStream();
            var exported = await new CarExporter(new OfflineBlockGetter(source)).ExportAsync(added.Root, car);
            Assert.Equal(source.EnumerateMultihashes().Count(), exported.Blocks);

            car.Position = 0;
            var target = new MemoryBlockStore();
            var imported = await CarImporter.ImportAsync(car, target);
            Assert.Equal([added.Root], imported.Roots);
            Assert.Equal(exported.Blocks, imported.Blocks);

            using var bytes = new MemoryStream();
            await new UnixFsExporter(new OfflineBlockGetter(target)).WriteFileAsync(added.Root, bytes);
            Assert.True(data.AsSpan().SequenceEqual(bytes.ToArray()), $"case {i}: {options} length {length}");

            using var again = new MemoryStream();
            await new CarExporter(new OfflineBlockGetter(target)).ExportAsync(added.Root, again);
            Assert.Equal(car.ToArray(), again.ToArray());
        }
    }

    [Fact]
    public async Task WriteThenRead_AnySections_ReturnsThemUnchanged()
    {
        var pcg = new PCG(5, 77);
        for (var i = 0; i < 200; i++)
        {
            var datas = Draw(GenBlocks, pcg);
            var cids = datas.Select((d, j) => j % 3 == 0
                ? Cid.V0(Multihash.Sha256(d))
                : Cid.V1(j % 2 == 0 ? Multicodec.Raw : Multicodec.DagPb, j % 5 == 0 ? Multihash.Blake3(d) : Multihash.Sha256(d))).ToList();
            var roots = cids.Take(i % 4).ToList();
            using var car = new MemoryStream();
            var writer = new CarWriter(car);
            await writer.WriteHeaderAsync(roots);
            for (var j = 0; j < datas.Length; j++)
                await writer.WriteBlockAsync(cids[j], datas[j]);
            Assert.Equal(car.Length, writer.BytesWritten);

            car.Position = 0;
            var reader = new CarReader(car);
            Assert.Equal(roots, (await reader.ReadHeaderAsync()).Roots);
            var j2 = 0;
            await foreach (var block in reader.ReadBlocksAsync())
            {
                Assert.Equal(cids[j2], block.Cid);
                Assert.Equal(datas[j2], block.Data.ToArray());
                j2++;
            }
            Assert.Equal(datas.Length, j2);
            car.Position = 0;
            Assert.Equal(datas.Length, (await CarImporter.VerifyAsync(car)).Blocks);
        }
    }
}
