using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>What a CAR held: the roots its header names, and the number and total size of its blocks.</summary>
public sealed record CarImportResult(IReadOnlyList<Cid> Roots, int Blocks, long Bytes);
