namespace P2P.Node.Mfs;

/// <summary>kubo's `files write` flags: --create/-e, --parents/-p, --truncate/-t, --offset/-o, --count/-n, --raw-leaves, --cid-version, --hash.</summary>
public sealed record MfsWriteOptions
{
    public bool Create { get; init; }
    public bool Parents { get; init; }
    public bool Truncate { get; init; }
    public long Offset { get; init; }
    public long? Count { get; init; }
    public bool? RawLeaves { get; init; }

    /// <summary>The prefix for a new file (null: the parent's; an existing file keeps its own unless given).</summary>
    public MfsPrefix? Prefix { get; init; }
}
