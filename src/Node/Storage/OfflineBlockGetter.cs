using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>The exchange with no network: the local store, every block verified before it is handed out.</summary>
public sealed class OfflineBlockGetter(IBlockStore store) : IBlockGetter
{
    public ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default)
    {
        var data = store.Get(cid) ?? throw new BlockNotFoundException(cid);
        if (!cid.Multihash.Matches(data))
            throw new CorruptBlockException(cid);
        return ValueTask.FromResult(data);
    }
}
