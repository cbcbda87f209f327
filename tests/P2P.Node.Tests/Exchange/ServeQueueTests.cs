using System.Reflection;
using P2P.Node.Exchange;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Exchange;

/// <summary>The serve side through a real pair of exchanges on 127.0.0.1.</summary>
public sealed class ServeQueueTests() : ExchangeTestBase(TimeSpan.FromSeconds(25))
{
    private static ServeQueue ServeQueueOf(BlockExchange exchange) =>
        (ServeQueue)typeof(BlockExchange).GetField("_serve", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(exchange)!;

    [Fact]
    public async Task ServeLoops_OneAfterAnother_ShareOneEncodeBuffer()
    {
        // A reader with no read-ahead asks for one block at a time, so the provider's serve queue runs empty and its
        // serve loop ends between blocks, as it does every few blocks when several providers share a fetch. Each
        // loop used to allocate a 2 MB encode buffer of its own (docs/perf/multi-provider.md).
        var seed = Track(new ExchangeNode(new MemoryBlockStore()));
        var (root, data, _) = await ImportAsync(seed.Store, 24 * ChunkSize);
        var fetcher = Track(new ExchangeNode(new MemoryBlockStore(), new StaticProviderFinder([seed.Address])));

        byte[] fetched;
        await using (var session = fetcher.Exchange.OpenSession(root))
            fetched = await ExportAsync(session, root, readAhead: 1);

        // The seed is the only provider, so the whole file came from its serve loops. (Its BlocksServed counter is no
        // witness: it counts a block once the send returns, which can be after the fetcher already has it.)
        Assert.Equal(data, fetched);
        Assert.Equal(1, ServeQueueOf(seed.Exchange).BuffersMade);
    }

    [Fact]
    public async Task ServedBlocks_AreReadIntoRentedArrays_EachReturnedOnce()
    {
        // A provider used to read every served block into a fresh 256 KiB array (the large-object heap, zeroed and
        // faulted in); the gen-2 collections that reclaimed them were a fifth of its CPU. Now it rents, encodes from
        // the rented bytes and gives the array back before sending.
        var lending = new LendingBlockStore(new MemoryBlockStore());
        var seed = Track(new ExchangeNode(lending));
        var (root, data, _) = await ImportAsync(lending, 12 * ChunkSize);
        var fetcher = Track(new ExchangeNode(new MemoryBlockStore(), new StaticProviderFinder([seed.Address])));

        byte[] fetched;
        await using (var session = fetcher.Exchange.OpenSession(root))
            fetched = await ExportAsync(session, root, readAhead: 4);

        Assert.Equal(data, fetched);
        Assert.Equal(0, lending.PlainReads);
        Assert.True(lending.Rented >= 13, $"rented {lending.Rented}");
        Assert.Equal(lending.Rented, lending.Returned);
    }
}
