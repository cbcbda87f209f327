using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>A block's bytes do not hash to its CID (a corrupted file on disk, or a lying peer).</summary>
public sealed class CorruptBlockException : P2PException
{
    public CorruptBlockException(Cid cid)
        : base(ErrorKind.Corrupt, $"block {cid} is corrupted: its bytes do not match its hash")
    {
        Cid = cid;
    }

    public Cid Cid { get; }
}
