using P2P.Node.Content.DagPb;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.Car;

/// <summary>
/// Writes a DAG as a CARv1 stream, in the order kubo's `dag export` uses: depth first, pre-order, dag-pb links
/// in their stored order, each block once (a block reached again through another link is skipped). Raw blocks
/// have no links; blocks of any other codec are written without following their links, since p2p only
/// understands dag-pb. Identity CIDs carry their data inline and are not written, as go-car does not.
/// Memory is one block plus the set of multihashes seen and the stack of CIDs still to visit, never the DAG's
/// bytes, so the gateway can serve `?format=car` of a large file from it.
/// </summary>
public sealed class CarExporter(IBlockGetter getter)
{
    /// <summary>
    /// Writes the header naming <paramref name="root"/> and then every block of its DAG to
    /// <paramref name="destination"/>. Throws <see cref="BlockNotFoundException"/> when a block is missing,
    /// by which time the blocks before it have been written.
    /// </summary>
    public async Task<CarExportResult> ExportAsync(Cid root, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var writer = new CarWriter(destination);
        await writer.WriteHeaderAsync([root], cancellationToken);
        var seen = new HashSet<Cid>();
        var stack = new Stack<Cid>();
        stack.Push(root);
        while (stack.TryPop(out var cid))
        {
            if (cid.Multihash.Code == Multicodec.Identity || !seen.Add(cid))
                continue;
            var block = await getter.GetBlockAsync(cid, cancellationToken);
            await writer.WriteBlockAsync(cid, block, cancellationToken);
            if (cid.Codec != Multicodec.DagPb)
                continue;
            var links = DagPbCodec.Decode(block).Links;
            for (var i = links.Count - 1; i >= 0; i--)
                stack.Push(links[i].Hash);
        }
        await destination.FlushAsync(cancellationToken);
        return new CarExportResult(root, writer.BlocksWritten, writer.BytesWritten);
    }
}
