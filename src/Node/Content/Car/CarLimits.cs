namespace P2P.Node.Content.Car;

/// <summary>
/// Bounds a CAR reader enforces before it allocates anything, so a hostile or truncated file costs at most one
/// section's worth of memory. The defaults fit every CAR that kubo or the JavaScript reference writes for UnixFS
/// content (blocks of at most 2 MiB, a handful of roots).
/// </summary>
public sealed record CarLimits
{
    /// <summary>The defaults described on each property.</summary>
    public static CarLimits Default { get; } = new();

    /// <summary>Largest header accepted (64 KiB: about 1,600 CIDv1 roots).</summary>
    public int MaxHeaderLength { get; init; } = 64 * 1024;

    /// <summary>Most roots a header may list.</summary>
    public int MaxRoots { get; init; } = 1024;

    /// <summary>Largest block accepted: kubo's and bitswap's 2 MiB block limit.</summary>
    public int MaxBlockLength { get; init; } = 2 * 1024 * 1024;

    /// <summary>Largest CID inside a section (a multihash of at most 128 digest bytes plus its prefixes).</summary>
    public int MaxCidLength { get; init; } = 160;

    /// <summary>Largest section: a CID plus a block.</summary>
    public int MaxSectionLength => MaxBlockLength + MaxCidLength;
}
