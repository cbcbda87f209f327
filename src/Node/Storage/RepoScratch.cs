namespace P2P.Node.Storage;

/// <summary>
/// Scratch space a process uses while it holds the repo lock (the daemon saves a multipart add here before
/// importing it), and the sweep that removes what a dead process left. Everything under scratch/ belongs to the
/// process holding the lock, so the next holder may delete it all: no living process can still be writing there.
/// </summary>
internal static class RepoScratch
{
    public const string DirectoryName = "scratch";

    /// <summary>
    /// Directories named <c>add-*.tmp</c> in the repo root: where daemons up to 2bfb720 saved multipart adds.
    /// Swept too, so a repo that an older daemon died in gets its space back.
    /// </summary>
    private const string LegacyAddPattern = "add-*" + AtomicFile.TempExtension;

    /// <summary>A fresh, not yet created path under scratch/ for one job; the caller creates and deletes it.</summary>
    public static string NewPath(string root, string purpose)
    {
        var directory = Path.Join(root, DirectoryName);
        Directory.CreateDirectory(directory);
        return Path.Join(directory, $"{purpose}-{Guid.NewGuid():N}");
    }

    /// <summary>
    /// Removes everything under scratch/, the legacy add directories and the temp files of interrupted atomic
    /// writes in the root. Call with the repo lock held. Returns what was removed, for a log line.
    /// </summary>
    public static (int Entries, long Bytes) Sweep(string root)
    {
        int entries = 0;
        long bytes = 0;
        var scratch = Path.Join(root, DirectoryName);
        if (Directory.Exists(scratch))
        {
            foreach (var entry in new DirectoryInfo(scratch).EnumerateFileSystemInfos())
                Remove(entry, ref entries, ref bytes);
        }
        foreach (var legacy in new DirectoryInfo(root).EnumerateDirectories(LegacyAddPattern))
            Remove(legacy, ref entries, ref bytes);
        foreach (var temp in new DirectoryInfo(root).EnumerateFiles("*" + AtomicFile.TempExtension))
            Remove(temp, ref entries, ref bytes);
        return (entries, bytes);
    }

    /// <summary>Bytes of files under scratch/, the legacy add directories and root temp files: what a sweep would free.</summary>
    public static long Measure(string root)
    {
        long bytes = 0;
        var scratch = Path.Join(root, DirectoryName);
        if (Directory.Exists(scratch))
            bytes += DiskUsage.FileBytes(scratch);
        foreach (var legacy in new DirectoryInfo(root).EnumerateDirectories(LegacyAddPattern))
            bytes += DiskUsage.FileBytes(legacy.FullName);
        foreach (var temp in new DirectoryInfo(root).EnumerateFiles("*" + AtomicFile.TempExtension))
            bytes += temp.Length;
        return bytes;
    }

    private static void Remove(FileSystemInfo entry, ref int entries, ref long bytes)
    {
        try
        {
            if (entry is DirectoryInfo directory && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                var size = DiskUsage.FileBytes(directory.FullName);
                directory.Delete(recursive: true);
                bytes += size;
            }
            else
            {
                var size = entry is FileInfo file ? file.Length : 0;
                entry.Delete();
                bytes += size;
            }
            entries++;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next open; `repo stat` keeps showing it as scratch meanwhile.
        }
    }
}
