using P2P.Node.Content.Chunking;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Importing;

/// <summary>
/// How <see cref="UnixFsImporter"/> shapes a DAG; the names follow kubo's <c>ipfs add</c> flags. Defaults are
/// kubo's with <c>--cid-version=1</c>: 262,144-byte chunks, 174 links per node, sha2-256, raw leaves.
/// </summary>
public sealed record ImportOptions
{
    /// <summary>kubo's default link count per node (boxo helpers.DefaultLinksPerBlock).</summary>
    public const int DefaultMaxLinks = 174;

    /// <summary>Directories whose estimated node size passes this become HAMT shards in kubo (Import.UnixFSHAMTDirectorySizeThreshold).</summary>
    public const int HamtShardingThreshold = 256 * 1024;

    /// <summary>kubo 0.35's <c>unixfs-v1-2025</c> profile: CIDv1, raw leaves, 1 MiB chunks, 1024 links.</summary>
    public static ImportOptions UnixFsV1_2025 { get; } = new()
    {
        CidVersion = 1,
        RawLeaves = true,
        ChunkSize = 1024 * 1024,
        MaxLinks = 1024,
    };

    /// <summary>kubo's own defaults (<c>ipfs add</c> with no flags): CIDv0, dag-pb leaves.</summary>
    public static ImportOptions KuboV0 { get; } = new() { CidVersion = 0 };

    /// <summary>0 or 1. A hash other than sha2-256 needs 1.</summary>
    public int CidVersion { get; init; } = 1;

    /// <summary>Leaves as raw blocks; null means kubo's default, true exactly for CIDv1.</summary>
    public bool? RawLeaves { get; init; }

    /// <summary>Fixed chunk size, used when <see cref="Chunker"/> is null.</summary>
    public int ChunkSize { get; init; } = FixedSizeChunker.DefaultSize;

    /// <summary>A content-defined chunker (kubo's <c>rabin…</c> or <c>buzhash</c>); null means fixed <see cref="ChunkSize"/> chunks.</summary>
    public ChunkerSpec? Chunker { get; init; }

    public int MaxLinks { get; init; } = DefaultMaxLinks;

    /// <summary>Multihash function: <see cref="Multicodec.Sha2_256"/> or <see cref="Multicodec.Blake3"/>.</summary>
    public ulong HashFunction { get; init; } = Multicodec.Sha2_256;

    /// <summary>Compute CIDs without storing any block (kubo's <c>--only-hash</c>).</summary>
    public bool OnlyHash { get; init; }

    /// <summary>Import dot-files and dot-directories too (kubo's <c>--hidden</c>).</summary>
    public bool IncludeHidden { get; init; }

    /// <summary>Threads hashing leaves at once; 0 means one per processor.</summary>
    public int Parallelism { get; init; }

    public bool EffectiveRawLeaves => RawLeaves ?? CidVersion == 1;

    /// <summary>The chunker the importer runs: <see cref="Chunker"/>, or fixed chunks of <see cref="ChunkSize"/>.</summary>
    public ChunkerSpec EffectiveChunker => Chunker ?? ChunkerSpec.FixedSize(ChunkSize);

    internal int EffectiveParallelism => Parallelism > 0 ? Parallelism : Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (CidVersion is not (0 or 1))
            throw new ArgumentException($"CID version must be 0 or 1, not {CidVersion}");
        if (ChunkSize is < 1 or > FixedSizeChunker.MaxSize)
            throw new ArgumentException($"chunk size must be between 1 and {FixedSizeChunker.MaxSize} bytes");
        if (MaxLinks is < 2 or > 8192)
            throw new ArgumentException("max links must be between 2 and 8192");
        if (HashFunction is not (Multicodec.Sha2_256 or Multicodec.Blake3))
            throw new ArgumentException($"unsupported hash function {Multicodec.Name(HashFunction)}");
        if (CidVersion == 0 && HashFunction != Multicodec.Sha2_256)
            throw new ArgumentException("CIDv0 only supports sha2-256; use CID version 1 with this hash");
        if (Parallelism < 0)
            throw new ArgumentException("parallelism must not be negative");
    }
}
