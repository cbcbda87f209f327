using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// The exchange with no network: the local store. Blocks are hashed against their CID only when
/// <paramref name="hashOnRead"/> is set (config <c>hashOnRead</c>, kubo's <c>Datastore.HashOnRead</c>, off by
/// default): the store only holds blocks that were hashed on their way in (add, a peer's block, dag import), so
/// re-hashing every read would find only disk rot, at the price of a SHA-256 per block; `repo verify` finds that.
/// </summary>
public sealed class OfflineBlockGetter(IBlockStore store, bool hashOnRead = false) : IBlockGetter
{
    public bool HashOnRead => hashOnRead;

    public ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var data = store.Get(cid) ?? throw new BlockNotFoundException(cid);
        if (hashOnRead && !cid.Multihash.Matches(data))
            throw new CorruptBlockException(cid);
        return ValueTask.FromResult(data);
    }

    public ValueTask<BlockBuffer> GetBufferAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var buffer = store.GetBuffer(cid) ?? throw new BlockNotFoundException(cid);
        if (hashOnRead && !cid.Multihash.Matches(buffer.Memory.Span))
        {
            buffer.Dispose();
            throw new CorruptBlockException(cid);
        }
        return ValueTask.FromResult(buffer);
    }
}
