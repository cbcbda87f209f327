using System.Security.Cryptography;
using P2P.Node.Content.Car;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Car;

/// <summary>Interoperability with CAR files written by the JavaScript reference (@ipld/car over ipfs-unixfs-importer).</summary>
public class CarFixtureTests
{
    [Theory]
    [MemberData(nameof(CarFixtures.Names), MemberType = typeof(CarFixtures))]
    public async Task Import_ReferenceCar_GivesTheReferenceRootAndBlocks(string name)
    {
        var fixture = CarFixtures.Named(name);
        var store = new MemoryBlockStore();
        await using var file = File.OpenRead(fixture.FullPath);
        var result = await CarImporter.ImportAsync(file, store);
        Assert.Equal([fixture.Root], result.Roots.Select(r => r.ToString()));
        Assert.Equal(fixture.Blocks, result.Blocks);
        Assert.Equal(fixture.Blocks, store.EnumerateMultihashes().Count());
    }

    [Theory]
    [MemberData(nameof(CarFixtures.Names), MemberType = typeof(CarFixtures))]
    public async Task Import_ReferenceCar_CatGivesTheOriginalBytes(string name)
    {
        var fixture = CarFixtures.Named(name);
        var store = new MemoryBlockStore();
        await using (var file = File.OpenRead(fixture.FullPath))
            await CarImporter.ImportAsync(file, store);
        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));
        foreach (var (path, expected) in fixture.Files)
        {
            // Paths in expected.json start with the root directory's own name, which the root CID stands for.
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var target = slash < 0 ? fixture.Root : fixture.Root + path[slash..];
            var cid = await exporter.ResolveAsync(target);
            using var bytes = new MemoryStream();
            await exporter.WriteFileAsync(cid, bytes);
            Assert.Equal(expected.Size, bytes.Length);
            Assert.Equal(expected.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())));
        }
    }

    [Theory]
    [MemberData(nameof(CarFixtures.Names), MemberType = typeof(CarFixtures))]
    public async Task Export_AfterImport_IsByteIdenticalToTheReferenceCar(string name)
    {
        var fixture = CarFixtures.Named(name);
        var reference = await File.ReadAllBytesAsync(fixture.FullPath);
        var store = new MemoryBlockStore();
        await CarImporter.ImportAsync(new MemoryStream(reference), store);
        using var exported = new MemoryStream();
        var result = await new CarExporter(new OfflineBlockGetter(store)).ExportAsync(Cid.Parse(fixture.Root), exported);
        Assert.Equal(fixture.Blocks, result.Blocks);
        Assert.Equal(reference.Length, result.Bytes);
        Assert.True(reference.AsSpan().SequenceEqual(exported.ToArray()), "p2p's CAR differs from the reference's");
    }

    [Fact]
    public async Task Add_SameContentAsTheReference_GivesTheSameCar()
    {
        // p2p's own importer, given the reference's content and options, must build the very same DAG, so its
        // export is the reference CAR byte for byte.
        var a = CarFixtures.Content("multilevel-a", 16384);
        var content = a.Concat(a).Concat(CarFixtures.Content("multilevel-b", 7232)).ToArray();
        var store = new MemoryBlockStore();
        var options = new ImportOptions { CidVersion = 1, ChunkSize = 1024, MaxLinks = 8 };
        var added = await UnixFsImporter.ImportFileAsync(new MemoryStream(content), options, store);
        var fixture = CarFixtures.Named("multilevel-v1-raw.car");
        Assert.Equal(fixture.Root, added.Root.ToString());
        using var exported = new MemoryStream();
        await new CarExporter(new OfflineBlockGetter(store)).ExportAsync(added.Root, exported);
        Assert.Equal(await File.ReadAllBytesAsync(fixture.FullPath), exported.ToArray());
    }
}
