namespace P2P.Node.Storage;

/// <summary>
/// The node's one temp-file-then-rename writer, so a crash or a failed write at any point leaves either the old
/// file or the new one under the target name, never a mix or a partial file: write a temp file beside the target,
/// flush it to disk, rename it over the target, fsync the directory. Repo metadata (config, pins, pack index),
/// quarantined pack runs and the CLI's exported files all go through here. Leftover temp files end in
/// <see cref="TempExtension"/>; the repo removes its own when opened, the CLI sweeps stale ones beside its outputs.
/// </summary>
public static class AtomicFile
{
    public const string TempExtension = ".tmp";

    /// <summary>Replaces <paramref name="path"/> with <paramref name="contents"/>, durably.</summary>
    public static void Write(string path, ReadOnlySpan<byte> contents, UnixFileMode? mode = null)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = Create(temp, mode, overwrite: false))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            Commit(temp, path, durable: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream it is given. When
    /// <paramref name="write"/> or the rename fails, the temp file is deleted and the error rethrown; the target is
    /// untouched. <paramref name="tempPath"/> names the temp file (overwritten if it exists) instead of a fresh
    /// name beside the target; <paramref name="durable"/> false skips the flush to disk and the directory fsync
    /// (for user outputs, where only "whole or absent" matters, not surviving a power cut).
    /// </summary>
    public static void Write(string path, Action<Stream> write, string? tempPath = null, bool durable = true)
    {
        var temp = tempPath ?? TempPathFor(path);
        try
        {
            using (var stream = Create(temp, mode: null, overwrite: tempPath is not null))
            {
                write(stream);
                stream.Flush(flushToDisk: durable);
            }
            Commit(temp, path, durable);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The asynchronous <see cref="Write(string, Action{Stream}, string?, bool)"/>, for streamed outputs.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken ct,
        string? tempPath = null, bool durable = true)
    {
        var temp = tempPath ?? TempPathFor(path);
        try
        {
            await using (var stream = Create(temp, mode: null, overwrite: tempPath is not null, bufferSize: 1 << 20, useAsync: true))
            {
                await write(stream, ct);
                if (durable)
                    stream.Flush(flushToDisk: true);
            }
            Commit(temp, path, durable);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes the temp files a crashed write left in <paramref name="directory"/>.</summary>
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

    private static string TempPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Join(Path.GetDirectoryName(full)!, $"{Path.GetFileName(full)}.{Guid.NewGuid():n}{TempExtension}");
    }

    private static FileStream Create(string temp, UnixFileMode? mode, bool overwrite, int bufferSize = 4096, bool useAsync = false)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = useAsync ? FileOptions.Asynchronous : FileOptions.None,
        };
        if (mode is { } m && !OperatingSystem.IsWindows())
            options.UnixCreateMode = m;
        return new FileStream(temp, options);
    }

    private static void Commit(string temp, string path, bool durable)
    {
        File.Move(temp, path, overwrite: true);
        if (durable)
            Posix.FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (IOException)
        {
            // The original error matters more; a repo's temp file goes at its next open, the CLI's at its next sweep.
        }
    }
}
