using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;
using P2P.Node.Tests.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// File reads from the pack store rent each block's array from a pool and give it back once the walk has left the
/// block. The pool here poisons what comes back and reuses it at once, so a piece read after its array was returned
/// would differ from the file.
/// </summary>
public class PooledFileReadTests
{
    private static readonly ImportOptions Options = new() { ChunkSize = 4096, MaxLinks = 8 };

    private static async Task<(PackBlockStore Store, Cid Root, byte[] Data)> ImportAsync(TempDirectory dir, int length, PoisoningPool pool)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var store = new PackBlockStore(dir.Join("blocks"));
        using var stream = new MemoryStream(data);
        var result = await UnixFsImporter.ImportFileAsync(stream, Options, store);
        store.ReadPool = pool;
        return (store, result.Root, data);
    }

    [Fact]
    public async Task ReadFileAsync_PooledBlocks_EachPieceIsIntactUntilTheNextIsAskedFor()
    {
        using var dir = new TempDirectory();
        var pool = new PoisoningPool();
        var (store, root, data) = await ImportAsync(dir, 200_000, pool);
        using var _ = store;
        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));

        var output = new MemoryStream();
        await foreach (var piece in exporter.ReadFileAsync(root))
        {
            // A consumer that awaits before it reads (an HTTP write) must still see the block's own bytes.
            await Task.Yield();
            output.Write(piece.Span);
        }

        Assert.Equal(data, output.ToArray());
        Assert.True(pool.Rented >= data.Length / Options.ChunkSize, $"only {pool.Rented} arrays rented: the read did not use the pool");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task ReadFileAsync_StoppedEarlyWithReadAhead_ReturnsEveryArray()
    {
        using var dir = new TempDirectory();
        var pool = new PoisoningPool();
        var (store, root, data) = await ImportAsync(dir, 200_000, pool);
        using var _ = store;
        // Blocks that arrive later than asked make the reader grow its read-ahead, so fetches are in flight at the stop.
        var exporter = new UnixFsExporter(new YieldingGetter(new OfflineBlockGetter(store)), readAhead: 8);

        var seen = 0;
        await foreach (var piece in exporter.ReadFileAsync(root))
        {
            Assert.True(piece.Span.SequenceEqual(data.AsSpan(seen, piece.Length)), $"piece at {seen} differs from the file");
            seen += piece.Length;
            if (seen >= data.Length / 2)
                break;
        }

        await pool.AllReturned.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void BlockBuffer_Dispose_ReturnsOnceAndRefusesLaterReads()
    {
        var pool = new PoisoningPool();
        var buffer = BlockBuffer.Rent(pool, 100);
        buffer.Writable.Fill(1);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Equal(0, pool.Outstanding);
        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }

    /// <summary>Hands every block on after a yield, as a remote fetch would: never complete when asked.</summary>
    private sealed class YieldingGetter(IBlockGetter inner) : IBlockGetter
    {
        public async ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.GetBlockAsync(cid, cancellationToken);
        }

        public async ValueTask<BlockBuffer> GetBufferAsync(Cid cid, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await inner.GetBufferAsync(cid, cancellationToken);
        }
    }
}
