using P2P.Node.Mfs;

namespace P2P.Node.Hosting;

/// <summary>
/// What `name publish` accepts beyond kubo's /ipfs/ and /ipns/ paths: a path in this node's mutable file tree
/// (`p2p files`), published as the /ipfs/ path of what it holds now, so a site kept in MFS goes out with one command.
/// A path under /ipfs/ or /ipns/ always means the content path, never an MFS folder of that name.
/// </summary>
public static class NamePaths
{
    /// <summary>True for a path of the files API: one starting with "/" but not with /ipfs/ or /ipns/.</summary>
    public static bool IsFilesPath(string value) =>
        value.StartsWith('/') && !value.StartsWith("/ipfs/", StringComparison.Ordinal) && !value.StartsWith("/ipns/", StringComparison.Ordinal);

    /// <summary><paramref name="value"/> itself, or for a files-API path the /ipfs/ path of what it holds now.</summary>
    public static async Task<string> ResolveAsync(MutableFiles files, string value, CancellationToken ct)
    {
        var text = value.Trim();
        if (!IsFilesPath(text))
            return text;
        var stat = await files.StatAsync(text, ct);
        return "/ipfs/" + stat.Hash;
    }
}
