using P2P.Node.Content;

namespace P2P.Node.Exchange;

/// <summary>A block is neither held locally nor obtainable; the message names the CID for the user.</summary>
public sealed class BlockNotFoundException : Exception
{
    public BlockNotFoundException(Cid cid)
        : base($"block {cid} is not in the repo")
    {
        Cid = cid;
    }

    public BlockNotFoundException(Cid cid, string message)
        : base(message)
    {
        Cid = cid;
    }

    public Cid Cid { get; }
}
