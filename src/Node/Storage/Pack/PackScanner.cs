using Microsoft.Win32.SafeHandles;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Walks the records of one segment from the start, reading only headers and keys (one positional read each).
/// Stops at the first record that is not whole and valid: a header that fails its bounds or CRC, a key that
/// is not a multihash, or a record running past the end of the file. What stopped it, if anything, is
/// returned with the offset where the valid prefix ends, so the caller can truncate a torn tail.
/// </summary>
internal static class PackScanner
{
    public static long Scan(SafeFileHandle handle, long fileLength, Action<PackScannedRecord> onRecord, out string? error)
    {
        Span<byte> buffer = stackalloc byte[PackRecord.HeaderSize + PackRecord.MaxKeyLength];
        long offset = 0;
        error = null;
        while (offset < fileLength)
        {
            var remaining = fileLength - offset;
            if (remaining < PackRecord.HeaderSize)
            {
                error = $"{remaining} trailing bytes, too few for a record header";
                return offset;
            }
            var want = (int)Math.Min(buffer.Length, remaining);
            var got = ReadFully(handle, buffer[..want], offset);
            if (got < PackRecord.HeaderSize)
            {
                error = "segment shrank while being scanned";
                return offset;
            }
            var header = buffer[..PackRecord.HeaderSize];
            if (!PackRecord.TryParseHeader(header, out var tombstone, out var keyLength, out var dataLength, out error))
                return offset;
            if (got < PackRecord.HeaderSize + keyLength)
            {
                error = "record key runs past the end of the segment";
                return offset;
            }
            var key = buffer.Slice(PackRecord.HeaderSize, keyLength);
            if (!PackRecord.ChecksumMatches(header, key))
            {
                error = "record header checksum mismatch";
                return offset;
            }
            if (PackRecord.ParseKey(key) is not { } multihash)
            {
                error = "record key is not a multihash";
                return offset;
            }
            var size = PackRecord.Size(keyLength, dataLength);
            if (size > remaining)
            {
                error = $"record of {size} bytes runs past the end of the segment ({remaining} bytes left)";
                return offset;
            }
            onRecord(new PackScannedRecord(offset, tombstone, multihash, keyLength, dataLength));
            offset += size;
        }
        return offset;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; returns the bytes read.</summary>
    public static int ReadFully(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
