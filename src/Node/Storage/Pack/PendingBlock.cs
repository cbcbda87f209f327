namespace P2P.Node.Storage.Pack;

/// <summary>A block put but not yet written to its segment: where its bytes are in memory, and where they will be in the file.</summary>
internal readonly record struct PendingBlock(PackStage Stage, long Use, int DataOffset, PackLocation Location);
