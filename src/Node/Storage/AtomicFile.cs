namespace P2P.Node.Storage;

/// <summary>
/// Replaces small metadata files (config, pins) so that a crash at any point leaves either the old or the new
/// contents, never a mix: write a temp file beside the target, fsync it, rename it over the target, fsync the
/// directory. Leftover temp files end in <see cref="TempExtension"/> and are removed when the repo is opened.
/// </summary>
internal static class AtomicFile
{
    public const string TempExtension = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> contents, UnixFileMode? mode = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Join(directory, $"{Path.GetFileName(path)}.{Guid.NewGuid():n}{TempExtension}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is { } m && !OperatingSystem.IsWindows())
                options.UnixCreateMode = m;
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // The original error matters more; the temp file goes at the next open.
            }
            throw;
        }
        Posix.FsyncDirectory(directory);
    }

    /// <summary>Deletes the temp files a crashed <see cref="Write"/> left in <paramref name="directory"/>.</summary>
    public static int RemoveTemporaryFiles(string directory)
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(directory, "*" + TempExtension))
        {
            File.Delete(path);
            removed++;
        }
        return removed;
    }
}
