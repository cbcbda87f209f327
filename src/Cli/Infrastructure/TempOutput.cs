namespace P2P.Cli.Infrastructure;

/// <summary>
/// The temporary name an output is written under before it is renamed into place, and the sweep of such names
/// left by a get that was killed. A temp is stale when nothing has written to it for a minute: a live get
/// writes continuously, so it is never swept from under a running process.
/// </summary>
internal static class TempOutput
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    /// <summary>Sweeps stale temps for <paramref name="destination"/> and returns a fresh temp name beside it.</summary>
    public static string For(string destination)
    {
        var directory = Path.GetDirectoryName(destination)!;
        var prefix = $".{Path.GetFileName(destination)}.p2p-";
        RemoveStale(directory, prefix);
        return Path.Combine(directory, $"{prefix}{Guid.NewGuid():N}.tmp");
    }

    private static void RemoveStale(string directory, string prefix)
    {
        try
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(directory, prefix + "*.tmp"))
            {
                var info = Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
                if (DateTime.UtcNow - info.LastWriteTimeUtc < StaleAfter)
                    continue;
                if (info is DirectoryInfo dir)
                    dir.Delete(recursive: true);
                else
                    info.Delete();
            }
        }
        catch (IOException)
        {
            // Best effort: a temp we cannot remove now is swept by the next get.
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to remove.
        }
    }
}
