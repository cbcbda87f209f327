using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Bench;

/// <summary>A store that accepts and forgets every block, so the benchmark measures chunk + hash + tree only.</summary>
internal sealed class ContentNullBlockStore : IBlockStore
{
    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public bool Has(Cid cid) => false;

    public byte[]? Get(Cid cid) => null;

    public int GetSize(Cid cid) => -1;

    public void Put(Cid cid, ReadOnlySpan<byte> data) => Interlocked.Add(ref _bytes, data.Length);

    public bool Delete(Cid cid) => false;

    public IEnumerable<Multihash> EnumerateMultihashes() => [];

    public void Flush()
    {
    }
}
