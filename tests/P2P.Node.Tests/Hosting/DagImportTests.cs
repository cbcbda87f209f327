using P2P.Node.Content.Car;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Hosting;

/// <summary>The `dag import` use case that the offline CLI and the API's `dag/import` both run.</summary>
public sealed class DagImportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AddCarAsync_ThenPinRoots_StoresTheBlocksAndPinsTheRoot()
    {
        var (car, root, blocks) = await CarOfAsync(new byte[300_000], complete: true);
        using (Repo.Init(_folder.Path)) { }
        using var local = LocalContent.Open(_folder.Path);

        using (var import = local.BeginDagImport())
        {
            await import.AddCarAsync(car, CancellationToken.None);
            var pins = await Collect(import.PinRootsAsync(CancellationToken.None));

            Assert.Equal([new RootPin(root, null)], pins);
            Assert.Equal(blocks, import.Blocks);
        }
        Assert.Contains(local.Pins(), p => p.Cid == root && p.Kind == PinKind.Recursive);
    }

    [Fact]
    public async Task AddCarAsync_SameCarTwice_ListsItsRootOnce()
    {
        var (car, root, _) = await CarOfAsync([1, 2, 3], complete: true);
        using (Repo.Init(_folder.Path)) { }
        using var local = LocalContent.Open(_folder.Path);
        using var import = local.BeginDagImport();

        await import.AddCarAsync(car, CancellationToken.None);
        car.Position = 0;
        await import.AddCarAsync(car, CancellationToken.None);

        Assert.Equal([root], import.Roots);
    }

    [Fact]
    public async Task PinRootsAsync_IncompleteDag_SaysWhyAndDoesNotPin()
    {
        var (car, root, _) = await CarOfAsync(new byte[300_000], complete: false);
        using (Repo.Init(_folder.Path)) { }
        using var local = LocalContent.Open(_folder.Path);
        using var import = local.BeginDagImport();

        await import.AddCarAsync(car, CancellationToken.None);
        var pins = await Collect(import.PinRootsAsync(CancellationToken.None));

        Assert.Equal(root, Assert.Single(pins).Root);
        Assert.NotNull(pins[0].Error);
        Assert.Empty(local.Pins());
    }

    /// <summary>A CAR of <paramref name="content"/> imported as a file; without <paramref name="complete"/>, only its root block.</summary>
    private static async Task<(MemoryStream Car, Cid Root, int Blocks)> CarOfAsync(byte[] content, bool complete)
    {
        using var source = LocalContent.InMemory();
        var added = await source.AddStreamAsync(new MemoryStream(content), new ImportOptions(), pin: false, null, null, CancellationToken.None);
        var car = new MemoryStream();
        int blocks;
        if (complete)
        {
            blocks = (await new CarExporter(source.Getter).ExportAsync(added.Root, car)).Blocks;
        }
        else
        {
            var writer = new CarWriter(car);
            await writer.WriteHeaderAsync([added.Root]);
            await writer.WriteBlockAsync(added.Root, await source.Getter.GetBlockAsync(added.Root, CancellationToken.None));
            blocks = 1;
        }
        car.Position = 0;
        return (car, added.Root, blocks);
    }

    private static async Task<List<RootPin>> Collect(IAsyncEnumerable<RootPin> pins)
    {
        var list = new List<RootPin>();
        await foreach (var pin in pins)
            list.Add(pin);
        return list;
    }
}
