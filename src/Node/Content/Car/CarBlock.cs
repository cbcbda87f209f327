using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>One section of a CAR: a CID and the block's bytes (not yet checked against the CID).</summary>
public readonly record struct CarBlock(Cid Cid, ReadOnlyMemory<byte> Data);
