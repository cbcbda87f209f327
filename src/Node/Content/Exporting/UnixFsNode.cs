using P2P.Node.Content.DagPb;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Exporting;

/// <summary>
/// A decoded block as the exporter sees it: a raw leaf (data only) or a dag-pb node with its UnixFS Data.
/// File nodes are checked for the invariants the reader relies on (one blocksize per link, filesize equal to
/// inline data plus blocksizes), so a lying node is rejected before any child is fetched.
/// </summary>
internal sealed class UnixFsNode
{
    private UnixFsNode(Cid cid, int blockSize, PbNode? pb, UnixFsData unixFs, ReadOnlyMemory<byte> inline, long size)
    {
        Cid = cid;
        BlockSize = blockSize;
        Pb = pb;
        UnixFs = unixFs;
        Inline = inline;
        Size = size;
    }

    public Cid Cid { get; }

    public int BlockSize { get; }

    /// <summary>Null for a raw block.</summary>
    public PbNode? Pb { get; }

    public UnixFsData UnixFs { get; }

    /// <summary>File bytes held in this block itself (a raw block's bytes, a leaf's Data).</summary>
    public ReadOnlyMemory<byte> Inline { get; }

    /// <summary>File length for files, target length for symlinks, 0 otherwise.</summary>
    public long Size { get; }

    public IReadOnlyList<PbLink> Links => Pb?.Links ?? [];

    public bool IsFile => UnixFs.Type is UnixFsType.File or UnixFsType.Raw;

    public static UnixFsNode Decode(Cid cid, ReadOnlyMemory<byte> block)
    {
        if (cid.Codec == Multicodec.Raw)
            return new UnixFsNode(cid, block.Length, null, new UnixFsData { Type = UnixFsType.Raw }, block, block.Length);
        if (cid.Codec != Multicodec.DagPb)
            throw new InvalidDataException($"{cid} uses codec {Multicodec.Name(cid.Codec)}, not dag-pb or raw");
        PbNode pb;
        UnixFsData data;
        try
        {
            pb = DagPbCodec.Decode(block);
            if (pb.Data is not { } bytes)
                throw new InvalidDataException("dag-pb node has no UnixFS Data");
            data = UnixFsData.Decode(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{cid}: {e.Message}", e);
        }
        var inline = data.Data ?? ReadOnlyMemory<byte>.Empty;
        long size = 0;
        switch (data.Type)
        {
            case UnixFsType.File or UnixFsType.Raw:
                size = CheckFile(cid, pb, data, inline.Length);
                break;
            case UnixFsType.Symlink:
                size = inline.Length;
                break;
        }
        return new UnixFsNode(cid, block.Length, pb, data, inline, size);
    }

    private static long CheckFile(Cid cid, PbNode pb, UnixFsData data, int inlineLength)
    {
        if (pb.Links.Count != data.BlockSizes.Count)
            throw new InvalidDataException($"{cid}: file node has {pb.Links.Count} links but {data.BlockSizes.Count} blocksizes");
        var total = (ulong)inlineLength;
        foreach (var size in data.BlockSizes)
        {
            total += size;
            if (total > long.MaxValue)
                throw new InvalidDataException($"{cid}: file node's blocksizes overflow");
        }
        if (data.FileSize is { } fileSize && fileSize != total)
            throw new InvalidDataException($"{cid}: file node says filesize {fileSize} but its parts add up to {total}");
        return (long)total;
    }
}
