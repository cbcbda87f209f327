using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.Verifying;

/// <summary>
/// What <see cref="PinVerifier"/> found under one pin: every bad block, in the order the walk met it. A bad block's
/// own links are not followed (its bytes cannot be trusted), so its descendants are not listed.
/// </summary>
public sealed record PinStatus(Cid Cid, PinKind Kind, IReadOnlyList<BadBlock> BadNodes)
{
    public bool Ok => BadNodes.Count == 0;
}
