using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>One entry of the pin set: the CID as it was pinned and how.</summary>
public sealed record Pin(Cid Cid, PinKind Kind);
