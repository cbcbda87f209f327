using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>A block is neither held locally nor obtainable; the message names the CID for the user.</summary>
public sealed class BlockNotFoundException : P2PException
{
    public BlockNotFoundException(Cid cid)
        : base(ErrorKind.NotFound, $"block {cid} is not in the repo")
    {
        Cid = cid;
    }

    public BlockNotFoundException(Cid cid, string message)
        : base(ErrorKind.NotFound, message)
    {
        Cid = cid;
    }

    public Cid Cid { get; }
}
