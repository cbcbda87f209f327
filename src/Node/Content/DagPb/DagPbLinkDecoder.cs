using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.DagPb;

/// <summary>Gives storage (pins, gc) the links of dag-pb blocks; raw blocks have none.</summary>
public sealed class DagPbLinkDecoder : ILinkDecoder
{
    public static DagPbLinkDecoder Instance { get; } = new();

    public IEnumerable<Cid> GetLinks(Cid cid, byte[] block)
    {
        if (cid.Codec != Multicodec.DagPb)
            return [];
        return DagPbCodec.Decode(block).Links.Select(l => l.Hash);
    }
}
