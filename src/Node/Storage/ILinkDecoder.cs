using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// The links of a block, so pins and gc can walk a DAG without storage knowing dag-pb. The node wires this to
/// the dag-pb decoder. Callers never pass raw (0x55) blocks, which have no links. Throw
/// <see cref="InvalidDataException"/> (or FormatException) for a block that does not decode.
/// </summary>
public interface ILinkDecoder
{
    IEnumerable<Cid> GetLinks(Cid cid, byte[] block);
}
