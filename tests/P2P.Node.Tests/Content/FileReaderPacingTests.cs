using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// The exporter's read-ahead paced by its consumer (issue 11, item 5): a consumer that stops asking pins at most
/// the initial window, however large the read-ahead; a spent shared budget leaves reads correct but unhurried; and
/// every slot goes back to the budget when a read ends early.
/// </summary>
public sealed class FileReaderPacingTests
{
    /// <summary>1,000 leaves of 100 bytes under one root (174 links per node: two levels).</summary>
    private static async Task<(Cid Root, byte[] Data, MemoryBlockStore Store)> Import()
    {
        var data = new byte[100_000];
        new Random(70).NextBytes(data);
        var store = new MemoryBlockStore();
        var result = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), new ImportOptions { ChunkSize = 100, MaxLinks = 174 }, store);
        return (result.Root, data, store);
    }

    [Fact]
    public async Task ReadFileAsync_ConsumerStops_HoldsAtMostTheInitialWindow()
    {
        var (root, data, store) = await Import();
        var getter = new ImmediateGetter(store);
        var exporter = new UnixFsExporter(getter, readAhead: 64);

        await using var parts = exporter.ReadFileAsync(root).GetAsyncEnumerator();
        var taken = new List<byte>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await parts.MoveNextAsync());
            taken.AddRange(parts.Current.ToArray());
        }

        // Every fetch completes at once, so nothing runs while the consumer holds off: the count is final.
        Assert.Equal(data[..taken.Count], taken.ToArray());
        // Root, two internal nodes (one ahead), the three leaves taken and the initial window beyond them.
        Assert.True(getter.Fetches <= 1 + 2 + 3 + FileReader.InitialWindow, $"{getter.Fetches} blocks fetched for three pieces");
    }

    [Fact]
    public async Task ReadFileAsync_SharedBudgetSpent_ReadsOneBlockAtATime()
    {
        var (root, data, store) = await Import();
        var getter = new CountingBlockGetter(store);
        var exporter = new UnixFsExporter(getter, readAhead: 64, new ReadAheadBudget(0));

        var copy = new MemoryStream();
        await exporter.WriteFileAsync(root, copy);

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(1, getter.MaxInFlight);
    }

    [Fact]
    public async Task ReadFileAsync_StoppedEarly_ReturnsEverySlot()
    {
        var (root, _, store) = await Import();
        var budget = new ReadAheadBudget(10);
        var exporter = new UnixFsExporter(new CountingBlockGetter(store), readAhead: 64, budget);
        var seen = 0;

        await foreach (var _ in exporter.ReadFileAsync(root))
        {
            if (++seen == 50)
                break;
        }

        Assert.Equal(0, budget.InUse);
    }

    /// <summary>Counts fetches; each completes before it returns, as a read from the local repo does.</summary>
    private sealed class ImmediateGetter(IBlockStore store) : IBlockGetter
    {
        private readonly OfflineBlockGetter _inner = new(store);

        public int Fetches { get; private set; }

        public ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
        {
            Fetches++;
            return _inner.GetBlockAsync(cid, cancellationToken);
        }
    }
}
