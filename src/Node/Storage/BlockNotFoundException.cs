using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// A block is neither held locally nor obtainable. One sentence whoever gives up (the repo offline, the exchange in a
/// daemon after its not-found timeout), so a command fails with the same line with and without a daemon.
/// </summary>
public sealed class BlockNotFoundException : P2PException
{
    public BlockNotFoundException(Cid cid)
        : base(ErrorKind.NotFound, $"block {cid} is not in the repo and could not be fetched")
    {
        Cid = cid;
    }

    public Cid Cid { get; }
}
