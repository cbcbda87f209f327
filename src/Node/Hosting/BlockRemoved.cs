using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>One answer of `block rm`: the block, and why it stayed (null when removed); kubo's RemovedBlock.</summary>
public sealed record BlockRemoved(Cid Cid, string? Error, bool Pinned);
