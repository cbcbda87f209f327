using System.Buffers;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// A store that reads as a file-backed one does: <see cref="GetBuffer"/> rents from a pool it counts, so a test can
/// see that every read went through a rented array and each array went back once. <see cref="Get"/> counts its calls.
/// </summary>
internal sealed class LendingBlockStore(IBlockStore inner) : IBlockStore
{
    private readonly CountingPool _pool = new();
    private int _plainReads;

    /// <summary>Calls to <see cref="Get"/> (a fresh array per block).</summary>
    public int PlainReads => Volatile.Read(ref _plainReads);

    public int Rented => _pool.Rented;

    public int Returned => _pool.Returned;

    public bool Has(Cid cid) => inner.Has(cid);

    public byte[]? Get(Cid cid)
    {
        Interlocked.Increment(ref _plainReads);
        return inner.Get(cid);
    }

    public BlockBuffer? GetBuffer(Cid cid)
    {
        if (inner.Get(cid) is not { } data)
            return null;
        var buffer = BlockBuffer.Rent(_pool, data.Length);
        data.CopyTo(buffer.Writable);
        return buffer;
    }

    public int GetSize(Cid cid) => inner.GetSize(cid);

    public void Put(Cid cid, ReadOnlySpan<byte> data) => inner.Put(cid, data);

    public bool Delete(Cid cid) => inner.Delete(cid);

    public IEnumerable<Multihash> EnumerateMultihashes() => inner.EnumerateMultihashes();

    public void Flush() => inner.Flush();

    private sealed class CountingPool : ArrayPool<byte>
    {
        private int _rented;
        private int _returned;

        public int Rented => Volatile.Read(ref _rented);

        public int Returned => Volatile.Read(ref _returned);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _rented);
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false) => Interlocked.Increment(ref _returned);
    }
}
