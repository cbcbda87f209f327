namespace P2P.Node.Storage.Pack;

/// <summary>What <see cref="PackBlockStore.Compact"/> did: segments rewritten and removed, live bytes copied, disk bytes given back.</summary>
public sealed record PackCompactionResult(int SegmentsRewritten, long BytesCopied, long BytesReclaimed);
