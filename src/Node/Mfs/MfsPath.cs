namespace P2P.Node.Mfs;

/// <summary>
/// MFS paths as kubo checks them (core/commands/files.go checkPath): not empty, starting with "/", cleaned as Go's
/// path.Clean does ("." and ".." resolved, repeated slashes joined), a trailing "/" kept because `cp` and `mv` read it.
/// </summary>
public static class MfsPath
{
    public static string Check(string? path)
    {
        if (string.IsNullOrEmpty(path))
            throw MfsError.Bad("paths must not be empty");
        if (path[0] != '/')
            throw MfsError.Bad("paths must start with a leading slash");
        var cleaned = "/" + string.Join('/', Segments(path));
        return path.Length > 1 && path[^1] == '/' && cleaned != "/" ? cleaned + "/" : cleaned;
    }

    /// <summary>The names along a path, "." and ".." resolved (".." at the root stays at the root).</summary>
    public static string[] Segments(string path)
    {
        var names = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (names.Count > 0)
                    names.RemoveAt(names.Count - 1);
                continue;
            }
            names.Add(part);
        }
        return [.. names];
    }

    /// <summary>A content path (kubo's path.NewPathFromURI): /ipfs/CID[/...] or ipfs://CID[/...].</summary>
    public static bool IsContentPath(string path) =>
        path.StartsWith("/ipfs/", StringComparison.Ordinal) || path.StartsWith("ipfs://", StringComparison.Ordinal);

    /// <summary>ipfs://CID/x as /ipfs/CID/x; other content paths unchanged.</summary>
    public static string CanonicalContentPath(string path) =>
        path.StartsWith("ipfs://", StringComparison.Ordinal) ? "/ipfs/" + path["ipfs://".Length..] : path;

    /// <summary>The last name of a path ("" for the root).</summary>
    public static string BaseName(string path)
    {
        var segments = Segments(path);
        return segments.Length == 0 ? "" : segments[^1];
    }

    internal static string Join(IEnumerable<string> segments) => "/" + string.Join('/', segments);
}
