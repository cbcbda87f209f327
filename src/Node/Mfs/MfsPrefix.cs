using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;

namespace P2P.Node.Mfs;

/// <summary>
/// The CID version and hash function a node is built with (go-cid's Prefix as boxo mfs keeps it per directory).
/// A new file or directory takes its parent's unless the command names one (kubo's --cid-version, --hash).
/// </summary>
public readonly record struct MfsPrefix(int Version, ulong HashFunction)
{
    /// <summary>kubo's default MFS root: CIDv0 (Import.CidVersion unset), so an empty root is QmUNLLs…</summary>
    public static MfsPrefix Default => new(0, Multicodec.Sha2_256);

    public static MfsPrefix Of(Cid cid) => new(cid.Version, cid.Multihash.Code);

    /// <summary>
    /// kubo's getPrefix: a hash without a version means CIDv1; neither given means "inherit" (null). A hash other than
    /// sha2-256 with an explicit version 0 is refused, as CIDv0 cannot carry it.
    /// </summary>
    public static MfsPrefix? FromOptions(int? cidVersion, string? hash)
    {
        if (cidVersion is null && hash is null)
            return null;
        var version = cidVersion ?? (hash is null ? 0 : 1);
        if (version is not (0 or 1))
            throw MfsError.Bad($"invalid cid version: {version}");
        var function = Multicodec.Sha2_256;
        if (hash is not null)
        {
            function = hash.ToLowerInvariant() switch
            {
                "sha2-256" => Multicodec.Sha2_256,
                "blake3" => Multicodec.Blake3,
                _ => throw MfsError.Bad($"unrecognized hash function: \"{hash}\""),
            };
        }
        if (version == 0 && function != Multicodec.Sha2_256)
            throw MfsError.Bad("CIDv0 only supports sha2-256; use --cid-version 1 with this hash");
        return new MfsPrefix(version, function);
    }

    internal ImportOptions Options(bool? rawLeaves = null) =>
        new() { CidVersion = Version, HashFunction = HashFunction, RawLeaves = rawLeaves };
}
