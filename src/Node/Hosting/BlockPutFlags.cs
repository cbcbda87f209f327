using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's <c>block put</c> flags as a user gave them (<c>--cid-codec</c>, the legacy <c>--format</c>, <c>--mhtype</c>,
/// <c>--mhlen</c>), checked in one place for `p2p block put` (before it reads or sends anything) and for
/// <c>/api/v0/block/put</c>. <see cref="Prefix"/> throws <see cref="ArgumentException"/> with one sentence for a value
/// p2p does not know or cannot store: 400 in the API, exit 2 in the CLI. Only raw and dag-pb are stored, because
/// pins, gc and the exporter can follow only dag-pb links; a dag-cbor or dag-json block would be an island whose
/// links nothing walks.
/// </summary>
public sealed record BlockPutFlags
{
    public string? CidCodec { get; init; }

    /// <summary>kubo's deprecated <c>--format</c>: <c>v0</c> (CIDv0), <c>protobuf</c>, <c>cbor</c> or a codec name.</summary>
    public string? Format { get; init; }

    public string? MhType { get; init; }

    /// <summary>The digest length; -1 (kubo's default) means the function's full length.</summary>
    public int MhLength { get; init; } = -1;

    /// <summary>The CID version, codec and hash function these flags ask for.</summary>
    public (int Version, ulong Codec, ulong Hash) Prefix()
    {
        var hash = (MhType is null or "" ? "sha2-256" : MhType) switch
        {
            "sha2-256" => Multicodec.Sha2_256,
            "blake3" => Multicodec.Blake3,
            var other => throw new ArgumentException($"unsupported --mhtype '{other}': use sha2-256 or blake3"),
        };
        if (MhLength is not (-1 or 32))
            throw new ArgumentException($"unsupported --mhlen {MhLength}: only the full 32-byte digest is stored");
        var version = 1;
        var codecName = CidCodec is null or "" ? "raw" : CidCodec;
        if (Format is { Length: > 0 } format)
        {
            // As kubo: the legacy flag replaces --cid-codec, and may not be combined with a custom one.
            if (codecName != "raw")
                throw new ArgumentException("unable to use --format (deprecated) and a custom --cid-codec at the same time");
            version = format == "v0" ? 0 : 1;
            codecName = format switch
            {
                "v0" or "protobuf" => "dag-pb",
                "cbor" => "dag-cbor",
                _ => format,
            };
        }
        var codec = Codec(codecName);
        if (version == 0 && hash != Multicodec.Sha2_256)
            throw new ArgumentException("only sha2-256 is allowed with CIDv0 (--format v0)");
        return (version, codec, hash);
    }

    /// <summary>The CID of <paramref name="data"/> under these flags.</summary>
    public Cid CidOf(ReadOnlySpan<byte> data)
    {
        var (version, codec, hash) = Prefix();
        var multihash = Multihash.Compute(hash, data);
        return version == 0 ? Cid.V0(multihash) : Cid.V1(codec, multihash);
    }

    private static ulong Codec(string name) => name switch
    {
        "raw" => Multicodec.Raw,
        "dag-pb" => Multicodec.DagPb,
        "dag-cbor" or "dag-json" or "dag-jose" or "cbor" or "json" or "libp2p-key" or "git-raw" =>
            throw new ArgumentException($"codec '{name}' is not supported: p2p stores raw and dag-pb blocks"),
        _ => throw new ArgumentException($"unknown codec '{name}': use raw or dag-pb"),
    };
}
