using System.Runtime.InteropServices;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// A fetched block reaches its readers in the receive buffer it arrived in (docs/perf/fetch-path.md, "One array per
/// fetched block"): every waiter gets a lease of its own on that one buffer, and a reader's view fails loudly once
/// that reader let go.
/// </summary>
public sealed class PooledDeliveryTests() : ExchangeTestBase(TimeSpan.FromSeconds(25))
{
    /// <summary>A store whose reads wait until <see cref="Open"/>, so a test can line up waiters before a block is served.</summary>
    private sealed class GatedBlockStore(IBlockStore inner, CancellationToken ct) : IBlockStore
    {
        private readonly ManualResetEventSlim _gate = new();

        public void Open() => _gate.Set();

        public bool Has(Cid cid) => inner.Has(cid);

        public byte[]? Get(Cid cid)
        {
            _gate.Wait(ct);
            return inner.Get(cid);
        }

        public int GetSize(Cid cid) => inner.GetSize(cid);

        public void Put(Cid cid, ReadOnlySpan<byte> data) => inner.Put(cid, data);

        public bool Delete(Cid cid) => inner.Delete(cid);

        public IEnumerable<Multihash> EnumerateMultihashes() => inner.EnumerateMultihashes();

        public void Flush() => inner.Flush();
    }

    private static byte[] ArrayUnder(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) ? segment.Array! : throw new InvalidOperationException("not an array");

    [Fact]
    public async Task GetBufferAsync_TwoSessionsWaitingForOneBlock_EachReadsTheOneReceiveBufferUntilItLetsGo()
    {
        var data = new byte[200_000];
        new Random(11).NextBytes(data);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        var held = new MemoryBlockStore();
        held.Put(cid, data);
        var gated = new GatedBlockStore(held, Ct);
        var seed = Track(new ExchangeNode(gated));
        var fetcher = Track(new ExchangeNode(new MemoryBlockStore(), new StaticProviderFinder([seed.Address])));
        await using var first = fetcher.Exchange.OpenSession(cid);
        await using var second = fetcher.Exchange.OpenSession(cid);

        // Both wait on one want before the seed may serve it.
        var one = first.GetBufferAsync(cid, Ct).AsTask();
        var two = second.GetBufferAsync(cid, Ct).AsTask();
        gated.Open();
        var a = await one;
        var b = await two;

        Assert.True(a.IsPooled);
        Assert.True(b.IsPooled);
        Assert.Same(ArrayUnder(a.Memory), ArrayUnder(b.Memory));
        a.Dispose();
        Assert.Equal(data, b.Memory.ToArray());
        Assert.True(cid.Multihash.Matches(b.Memory.Span));
        Assert.Throws<ObjectDisposedException>(() => a.Memory);
        b.Dispose();
        Assert.Equal(1, fetcher.Exchange.Counters.BlocksFetched);
        Assert.True(fetcher.Store.Has(cid));
    }

    [Fact]
    public async Task GetBlockAsync_FetchedBlock_IsACopyThatOutlivesTheBuffer()
    {
        var data = new byte[150_000];
        new Random(12).NextBytes(data);
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
        var seedStore = new MemoryBlockStore();
        seedStore.Put(cid, data);
        var seed = Track(new ExchangeNode(seedStore));
        var fetcher = Track(new ExchangeNode(new MemoryBlockStore(), new StaticProviderFinder([seed.Address])));
        await using var session = fetcher.Exchange.OpenSession(cid);

        var block = await session.GetBlockAsync(cid, Ct);

        Assert.Equal(data, block);
    }
}
