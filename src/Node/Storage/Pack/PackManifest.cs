using System.Buffers.Binary;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// <c>blocks/segments</c>: which segment files exist and how many bytes of each are known to be on disk, so an open
/// can tell a torn tail (an unclean exit cut the last append short, past the recorded length of the last segment)
/// from bytes that were known to exist and are gone (a segment deleted, a tail cut while the repo was closed).
/// Rewritten rarely: when a segment is created or removed, when compaction shortens one, at open after an unclean
/// exit, and at clean close. A recorded length is a floor: the store fsyncs a segment before it records a length,
/// so a crash never leaves a segment shorter than its entry. Removals and cuts are recorded before they happen (a
/// crash in between leaves a file the manifest does not name, which is scanned as usual); creations after.
/// Little-endian: <c>"P2PM" | version u32 | next id u32 | count u32 | (id u32, length u64)… | CRC-32C u32</c>.
/// The next id keeps a deleted segment's number from being reused, so a note about it stays unambiguous.
/// </summary>
internal static class PackManifest
{
    public const string FileName = "segments";

    private const uint Magic = 0x4D503250; // "P2PM"
    private const uint Version = 1;
    private const int FixedSize = 16;
    private const int EntrySize = 12;

    /// <summary>Most segments a manifest may list (a petabyte of 1 GiB segments); a count above it is damage.</summary>
    private const int MaxSegments = 1 << 20;

    public static byte[] Encode(int nextId, IReadOnlyCollection<(int Id, long Length)> segments)
    {
        var buffer = new byte[FixedSize + segments.Count * EntrySize + 4];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], nextId);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], segments.Count);
        var at = FixedSize;
        foreach (var (id, length) in segments.OrderBy(static s => s.Id))
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], id);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 4)..], length);
            at += EntrySize;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], PackRecord.Checksum(span[..at], []));
        return buffer;
    }

    /// <summary>
    /// Replaces the manifest: temp file and rename when there is room; on a full disk (gc must be able to delete
    /// a segment without free space) the new contents overwrite the old file's bytes in place. A crash in the
    /// middle of that leaves a manifest that fails its CRC, which open treats as absent: no check that time,
    /// never a false loss. With no manifest at all and no room to create one, nothing names the segments, so a
    /// removal or a cut is safe without it: returns false (written later, when there is room).
    /// </summary>
    public static bool Save(string path, int nextId, IReadOnlyCollection<(int Id, long Length)> segments)
    {
        var bytes = Encode(nextId, segments);
        try
        {
            AtomicFile.Write(path, bytes);
            return true;
        }
        catch (IOException e) when (Posix.IsDiskFull(e) && !File.Exists(path))
        {
            return false;
        }
        catch (IOException e) when (Posix.IsDiskFull(e) && new FileInfo(path).Length >= bytes.Length)
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.SetLength(handle, bytes.Length);
            Posix.FsyncFile(handle, path);
            return true;
        }
    }

    /// <summary>Reads the manifest; false with a reason when it is absent (reason null), unreadable, or fails its checks.</summary>
    public static bool TryLoad(string path, out int nextId, out Dictionary<int, long> segments, out string? error)
    {
        nextId = 1;
        segments = [];
        error = null;
        byte[] buffer;
        try
        {
            if (!File.Exists(path))
                return false;
            if (new FileInfo(path).Length > FixedSize + (long)MaxSegments * EntrySize + 4)
            {
                error = "segment manifest is too large";
                return false;
            }
            buffer = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"segment manifest unreadable: {e.Message}";
            return false;
        }
        return TryDecode(buffer, out nextId, out segments, out error);
    }

    public static bool TryDecode(ReadOnlySpan<byte> span, out int nextId, out Dictionary<int, long> segments, out string? error)
    {
        nextId = 1;
        segments = [];
        error = "segment manifest is malformed";
        if (span.Length < FixedSize + 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Version)
            return false;
        var body = span[..^4];
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != PackRecord.Checksum(body, []))
        {
            error = "segment manifest checksum mismatch";
            return false;
        }
        var next = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        if (next < 1 || count < 0 || count > MaxSegments || FixedSize + (long)count * EntrySize != body.Length)
            return false;
        for (var at = FixedSize; at < body.Length; at += EntrySize)
        {
            var id = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
            var length = BinaryPrimitives.ReadInt64LittleEndian(body[(at + 4)..]);
            if (id < 1 || length < 0 || !segments.TryAdd(id, length))
            {
                segments.Clear();
                return false;
            }
        }
        nextId = next;
        error = null;
        return true;
    }
}
