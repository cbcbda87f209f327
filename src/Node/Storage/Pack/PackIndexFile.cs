using System.Buffers.Binary;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// The index snapshot written at clean close so the next open need not scan the segments. Little-endian:
/// <c>"P2PI" | version u32 | segment count u32 | entry count u32 | segments (id u32, length u64) |
/// entries (segment u32, offset u64, data length u32, key length u16, key) | CRC-32C u32 of all before</c>.
/// The segment lengths let the loader refuse a snapshot that does not describe the files on disk (a session
/// that wrote after it, or a segment that lost its tail), in which case the store rescans.
/// </summary>
internal static class PackIndexFile
{
    public const string FileName = "index";

    private const uint Magic = 0x49503250; // "P2PI"
    private const uint Version = 1;
    private const int FixedSize = 16;
    private const int SegmentSize = 12;
    private const int MinEntrySize = 19;

    public static void Save(string path, IReadOnlyCollection<(int Id, long Length)> segments, IReadOnlyCollection<KeyValuePair<Multihash, PackLocation>> entries)
    {
        long size = FixedSize + (long)segments.Count * SegmentSize + 4;
        foreach (var (key, _) in entries)
            size += MinEntrySize - 1 + key.Length;
        if (size > int.MaxValue)
            throw new InvalidOperationException($"index of {entries.Count} entries is too large for a snapshot");
        var buffer = new byte[size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], segments.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], entries.Count);
        var at = FixedSize;
        foreach (var (id, length) in segments)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], id);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 4)..], length);
            at += SegmentSize;
        }
        foreach (var (key, location) in entries)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], location.Segment);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 4)..], location.Offset);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 12)..], location.DataLength);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 16)..], (ushort)key.Length);
            key.Bytes.CopyTo(span[(at + 18)..]);
            at += 18 + key.Length;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], PackRecord.Checksum(span[..at], []));
        AtomicFile.Write(path, buffer);
    }

    /// <summary>Loads a snapshot; false with a reason when it is missing, truncated, or fails its checks.</summary>
    public static bool TryLoad(string path, out Dictionary<int, long> segments, out Dictionary<Multihash, PackLocation> entries, out string? error)
    {
        segments = [];
        entries = [];
        byte[] buffer;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > int.MaxValue)
            {
                error = $"index snapshot is {length} bytes, too large";
                return false;
            }
            buffer = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"index snapshot unreadable: {e.Message}";
            return false;
        }
        error = "index snapshot is malformed";
        var span = (ReadOnlySpan<byte>)buffer;
        if (span.Length < FixedSize + 4 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Version)
            return false;
        var body = span[..^4];
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != PackRecord.Checksum(body, []))
        {
            error = "index snapshot checksum mismatch";
            return false;
        }
        var segmentCount = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        var entryCount = BinaryPrimitives.ReadInt32LittleEndian(span[12..]);
        if (segmentCount < 0 || entryCount < 0 || FixedSize + (long)segmentCount * SegmentSize + (long)entryCount * MinEntrySize > body.Length)
            return false;
        var at = FixedSize;
        for (var i = 0; i < segmentCount; i++, at += SegmentSize)
            segments[BinaryPrimitives.ReadInt32LittleEndian(body[at..])] = BinaryPrimitives.ReadInt64LittleEndian(body[(at + 4)..]);
        entries = new Dictionary<Multihash, PackLocation>(entryCount);
        for (var i = 0; i < entryCount; i++)
        {
            if (at + 18 > body.Length)
                return false;
            var segment = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
            var offset = BinaryPrimitives.ReadInt64LittleEndian(body[(at + 4)..]);
            var dataLength = BinaryPrimitives.ReadInt32LittleEndian(body[(at + 12)..]);
            var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(body[(at + 16)..]);
            at += 18;
            if (keyLength > PackRecord.MaxKeyLength || at + keyLength > body.Length || PackRecord.ParseKey(body.Slice(at, keyLength)) is not { } key)
                return false;
            at += keyLength;
            var location = new PackLocation(segment, offset, keyLength, dataLength);
            if (!segments.TryGetValue(segment, out var segmentLength) || offset < 0 || dataLength is < 0 or > PackBlockStore.MaxBlockSize
                || location.Offset + location.RecordSize > segmentLength)
                return false;
            entries[key] = location;
        }
        if (at != body.Length)
            return false;
        error = null;
        return true;
    }
}
