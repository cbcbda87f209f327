using Microsoft.Win32.SafeHandles;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// One open segment file. <see cref="Length"/>, <see cref="LiveBytes"/> and <see cref="Unsynced"/> change only
/// under the store's write lock; the handle is read from any thread (positional reads need no lock).
/// </summary>
internal sealed class PackSegment : IDisposable
{
    public const string Prefix = "pack-";
    public const string Extension = ".dat";

    public PackSegment(int id, string path, SafeFileHandle handle, long length)
    {
        Id = id;
        Path = path;
        Handle = handle;
        Length = length;
    }

    public int Id { get; }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>Bytes of whole records; the next record is appended here.</summary>
    public long Length { get; set; }

    /// <summary>
    /// Bytes known to be on disk: this session fsynced them, or a clean close did. The segment manifest records a
    /// length only once it is durable, so a power cut cannot make a segment shorter than its entry.
    /// </summary>
    public long DurableLength { get; set; }

    /// <summary>Bytes of the records the index points at; the rest (superseded records, tombstones) is garbage.</summary>
    public long LiveBytes { get; set; }

    /// <summary>Written since the last fsync (batch policy).</summary>
    public bool Unsynced { get; set; }

    /// <summary>Bytes written since writeback was last started (batch policy).</summary>
    public long UnflushedBytes { get; set; }

    public long GarbageBytes => Length - LiveBytes;

    public static string FileName(int id) => $"{Prefix}{id:D6}{Extension}";

    /// <summary>The id in a segment file name, or -1 if the name is not one.</summary>
    public static int ParseId(string fileName)
    {
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal))
            return -1;
        var digits = fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - Extension.Length);
        return digits.Length is >= 6 and <= 9 && int.TryParse(digits, System.Globalization.NumberStyles.None, null, out var id) && id > 0 ? id : -1;
    }

    public void Dispose() => Handle.Dispose();
}
