using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// How the exporter obtains blocks: from the local store when offline, from the swarm when a daemon runs.
/// Every block returned has been checked against its CID.
/// </summary>
public interface IBlockGetter
{
    /// <summary>The verified block. Throws <see cref="BlockNotFoundException"/> when it cannot be had.</summary>
    ValueTask<byte[]> GetBlockAsync(Cid cid, CancellationToken cancellationToken = default);
}
