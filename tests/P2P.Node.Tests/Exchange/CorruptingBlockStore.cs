using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Exchange;

/// <summary>A store that holds the right blocks but hands out every one with a bit flipped (a lying provider's disk).</summary>
internal sealed class CorruptingBlockStore(IBlockStore inner) : IBlockStore
{
    public bool Has(Cid cid) => inner.Has(cid);

    public byte[]? Get(Cid cid)
    {
        var data = inner.Get(cid);
        if (data is null || data.Length == 0)
            return data;
        var copy = (byte[])data.Clone();
        copy[copy.Length / 2] ^= 0x10;
        return copy;
    }

    public int GetSize(Cid cid) => inner.GetSize(cid);

    public void Put(Cid cid, ReadOnlySpan<byte> data) => inner.Put(cid, data);

    public bool Delete(Cid cid) => inner.Delete(cid);

    public IEnumerable<Multihash> EnumerateMultihashes() => inner.EnumerateMultihashes();

    public void Flush() => inner.Flush();
}
