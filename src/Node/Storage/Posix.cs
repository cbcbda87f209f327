using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using P2P.Node.Errors;

namespace P2P.Node.Storage;

/// <summary>
/// The two POSIX calls .NET does not expose: fsync on a handle we already hold (cheaper than wrapping it in a
/// FileStream only to call Flush(true)) and fsync of a directory, which makes a rename durable (rename(2) is
/// atomic but only durable once the directory entry is on disk; ext4 and xfs both need the directory fsync).
/// </summary>
internal static partial class Posix
{
    /// <summary>errno ENOSPC on Linux and macOS; .NET puts the raw errno in IOException.HResult on Unix.</summary>
    public const int ENOSPC = ErrorClassifier.Enospc;

    /// <summary>The error scheme's test (it also looks at a wrapped error), so a full disk is told apart one way.</summary>
    public static bool IsDiskFull(IOException e) => ErrorClassifier.IsDiskFull(e);

    /// <summary>Forces a file's data and metadata to stable storage.</summary>
    public static void FsyncFile(SafeFileHandle handle, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            using var fs = new FileStream(handle, FileAccess.Write);
            fs.Flush(flushToDisk: true);
            return;
        }
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (fsync((int)handle.DangerousGetHandle()) != 0)
                throw new IOException($"fsync of {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>Opens a file read-only and fsyncs it; fsync through a read-only descriptor flushes the inode's dirty pages.</summary>
    public static void FsyncPath(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        FsyncFile(handle, path);
    }

    /// <summary>Fsyncs a directory so that entries created or renamed into it survive a power cut. No-op on Windows.</summary>
    public static void FsyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        // O_RDONLY (0) opens a directory on Linux and macOS; O_DIRECTORY's value differs by architecture, so we avoid it.
        var fd = open(path, 0);
        if (fd < 0)
            throw new IOException($"cannot open directory {path} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0)
                throw new IOException($"fsync of directory {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = close(fd);
        }
    }

    /// <summary>
    /// Asks Linux to start writing a file's dirty pages now, without waiting (sync_file_range(2) with
    /// SYNC_FILE_RANGE_WRITE). Under the batch policy this spreads the disk writes over the puts, so the fsyncs
    /// at Flush find little left to do. Best effort: a no-op elsewhere, errors ignored (Flush still fsyncs).
    /// </summary>
    public static void StartWriteback(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            _ = sync_file_range((int)handle.DangerousGetHandle(), 0, 0, SyncFileRangeWrite);
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    private const uint SyncFileRangeWrite = 2;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sync_file_range(int fd, long offset, long nbytes, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
