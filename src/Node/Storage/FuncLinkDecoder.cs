using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>An <see cref="ILinkDecoder"/> from a delegate, for wiring and tests.</summary>
public sealed class FuncLinkDecoder(Func<Cid, byte[], IEnumerable<Cid>> getLinks) : ILinkDecoder
{
    public IEnumerable<Cid> GetLinks(Cid cid, byte[] block) => getLinks(cid, block);
}
