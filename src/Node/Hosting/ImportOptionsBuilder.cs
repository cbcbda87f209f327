using P2P.Node.Content.Chunking;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's add flags to the importer's options: a profile first, then each flag given overrides it. The one place
/// these rules live; the CLI's offline add, its check before sending to a daemon, and the API's add all call it.
/// </summary>
public static class ImportOptionsBuilder
{
    public const string UnixFsV1_2025 = "unixfs-v1-2025";

    /// <summary>The options <paramref name="flags"/> ask for; a bad value or combination throws <see cref="ArgumentException"/>.</summary>
    public static ImportOptions Build(KuboAddFlags flags)
    {
        var options = flags.Profile switch
        {
            null => new ImportOptions(),
            UnixFsV1_2025 => ImportOptions.UnixFsV1_2025,
            _ => throw new ArgumentException($"unknown profile '{flags.Profile}': use {UnixFsV1_2025}"),
        };
        if (flags.CidVersion is { } version)
        {
            if (version is not (0 or 1))
                throw new ArgumentException("--cid-version must be 0 or 1");
            options = options with { CidVersion = version };
        }
        switch (flags.Hash)
        {
            case "sha2-256":
                break;
            case "blake3":
                // As kubo: a hash CIDv0 cannot carry moves an unset version to 1, and refuses an explicit 0.
                if (flags.CidVersion == 0)
                    throw new ArgumentException("--hash blake3 needs CIDv1 (CIDv0 is sha2-256 only)");
                options = options with { HashFunction = Multicodec.Blake3, CidVersion = 1 };
                break;
            default:
                throw new ArgumentException($"unsupported hash '{flags.Hash}': use sha2-256 or blake3");
        }
        if (flags.RawLeaves is { } raw)
            options = options with { RawLeaves = raw };
        if (flags.Chunker is not null)
        {
            // kubo's parser and its sentences; fixed sizes stay a plain ChunkSize so profiles compare as before.
            var chunker = ChunkerSpec.Parse(flags.Chunker);
            options = chunker.Kind == ChunkerKind.Size
                ? options with { ChunkSize = chunker.Size, Chunker = null }
                : options with { Chunker = chunker };
        }
        if (flags.MaxLinks is { } links)
            options = options with { MaxLinks = links };
        options = options with { OnlyHash = flags.OnlyHash, IncludeHidden = flags.Hidden };
        options.Validate();
        return options;
    }
}
