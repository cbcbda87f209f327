using P2P.Node.Multiformats;

namespace P2P.Node.Content.Car;

/// <summary>What <see cref="CarExporter"/> wrote: the root, the number of blocks and the CAR's total length.</summary>
public sealed record CarExportResult(Cid Root, int Blocks, long Bytes);
