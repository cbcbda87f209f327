using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>A block under a pin that is missing, does not hash to its CID, or cannot be read or decoded.</summary>
public sealed record BadNode(Cid Cid, string Error);
