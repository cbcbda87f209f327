namespace P2P.Node.Hosting;

/// <summary>
/// The import flags of kubo's <c>add</c> as a user gave them, null where not given: what `p2p add` parses from its
/// command line and what <c>/api/v0/add</c> parses from its query. <see cref="ImportOptionsBuilder"/> turns them
/// into the importer's options, so both front ends accept and refuse the same combinations.
/// </summary>
public sealed record KuboAddFlags
{
    /// <summary>kubo's <c>--profile</c>; only <c>unixfs-v1-2025</c> is known.</summary>
    public string? Profile { get; init; }

    public int? CidVersion { get; init; }

    public bool? RawLeaves { get; init; }

    /// <summary>kubo's <c>--chunker</c>: <c>size-N</c>, <c>rabin[-AVG|-MIN-AVG-MAX]</c> or <c>buzhash</c>.</summary>
    public string? Chunker { get; init; }

    public int? MaxLinks { get; init; }

    /// <summary><c>sha2-256</c> or <c>blake3</c>.</summary>
    public string Hash { get; init; } = "sha2-256";

    public bool OnlyHash { get; init; }

    public bool Hidden { get; init; }
}
