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

    /// <summary>
    /// The same sentence followed by why the swarm could not supply it (the exchange's diagnosis), with the kind that
    /// reason calls for: NotFound when nobody has it, Unavailable when a provider could not be reached or went away.
    /// </summary>
    public BlockNotFoundException(Cid cid, ErrorKind kind, string reason)
        : base(kind, $"block {cid} is not in the repo and could not be fetched: {reason}")
    {
        Cid = cid;
    }

    public Cid Cid { get; }
}
