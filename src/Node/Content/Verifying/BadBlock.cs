using P2P.Node.Multiformats;

namespace P2P.Node.Content.Verifying;

/// <summary>A block under a pin that is missing, does not hash to its CID, or cannot be read or decoded.</summary>
public sealed record BadBlock(Cid Cid, string Error);
