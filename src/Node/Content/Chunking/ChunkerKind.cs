namespace P2P.Node.Content.Chunking;

/// <summary>The chunkers kubo's <c>--chunker</c> names.</summary>
public enum ChunkerKind
{
    /// <summary><c>size-N</c>: fixed-size chunks.</summary>
    Size,

    /// <summary><c>rabin</c>, <c>rabin-AVG</c>, <c>rabin-MIN-AVG-MAX</c>: Rabin fingerprint boundaries.</summary>
    Rabin,

    /// <summary><c>buzhash</c>: buzhash boundaries between 128 KiB and 512 KiB.</summary>
    Buzhash,
}
