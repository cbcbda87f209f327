namespace P2P.Node.Storage;

/// <summary>Apparent sizes of files on disk, the figure `du --apparent-size` and `find -printf %s` give.</summary>
internal static class DiskUsage
{
    /// <summary>Every file, hidden ones too (flatfs's .dirty, the pack's markers); symlinked directories are not followed.</summary>
    private static readonly EnumerationOptions Everything = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
    };

    /// <summary>Sum of the lengths of every file under <paramref name="directory"/>; 0 when it is absent.</summary>
    public static long FileBytes(string directory)
    {
        if (!Directory.Exists(directory))
            return 0;
        long bytes = 0;
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", Everything))
                bytes += file.Length;
        }
        catch (DirectoryNotFoundException)
        {
            // Removed while being measured (a finished upload's scratch): what was counted stands.
        }
        return bytes;
    }
}
