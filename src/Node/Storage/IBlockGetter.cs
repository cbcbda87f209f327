using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// How the exporter obtains blocks: from the local store when offline, from the swarm when a daemon runs.
/// Every block that crosses a trust boundary (from a peer) has been checked against its CID; blocks from the local
/// store are re-hashed only when the repo's <c>hashOnRead</c> is set (see <see cref="OfflineBlockGetter"/>).
/// </summary>
public interface IBlockGetter
{
    /// <summary>The verified block. Throws <see cref="BlockNotFoundException"/> when it cannot be had.</summary>
    ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default);

    /// <summary>
    /// The verified block in a buffer the caller disposes once done with it (its array may be pooled and reused):
    /// what the exporter's file reads use, so a long read recycles a few arrays. The default wraps
    /// <see cref="GetBlockAsync"/>.
    /// </summary>
    async ValueTask<BlockBuffer> GetBufferAsync(Cid cid, CancellationToken cancellationToken = default) =>
        BlockBuffer.Of(await GetBlockAsync(cid, cancellationToken));
}
