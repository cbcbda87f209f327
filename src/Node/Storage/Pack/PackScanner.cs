using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Walks the records of one segment from the start, reading only headers and keys (one positional read each).
/// At a record that is not whole and valid (a header that fails its bounds or CRC, a key that is not a
/// multihash, a record running past the end) it does not stop: it searches forward for the next offset where
/// a record verifiably starts and reports the bytes in between as one <see cref="PackDamage"/>, so one bad
/// byte costs at most the record it hit. Records are self-describing (magic, lengths, CRC-32C over header and
/// key), which is what makes resynchronising possible, as in a write-ahead log reader.
/// </summary>
internal static class PackScanner
{
    private const int SearchChunk = 1 << 16;

    private enum Status
    {
        Valid,
        Incomplete,
        Invalid,
    }

    /// <summary>
    /// Reports every record and every damaged run in file order, from <paramref name="from"/> (a record boundary).
    /// Returns the end of the last valid record.
    /// </summary>
    public static long Scan(SafeFileHandle handle, long fileLength, Action<PackScannedRecord> onRecord, Action<PackDamage> onDamage, long from = 0)
    {
        var buffer = new byte[PackRecord.HeaderSize + PackRecord.MaxKeyLength];
        long offset = from, validEnd = from;
        while (offset < fileLength)
        {
            var status = TryRead(handle, fileLength, offset, buffer, out var record, out var error);
            if (status == Status.Valid)
            {
                onRecord(record);
                offset += record.RecordSize;
                validEnd = offset;
                continue;
            }
            var next = FindNextRecord(handle, fileLength, offset + 1, buffer);
            var torn = next == fileLength && (status == Status.Incomplete || IsZeros(handle, offset, fileLength));
            onDamage(new PackDamage(offset, next, error!, torn));
            offset = next;
        }
        return validEnd;
    }

    /// <summary>
    /// The record a damaged run holds when only its header is hurt: a key that parses as a multihash right after
    /// the 16 header bytes, and data filling the rest of the run that hashes to that key. The hash makes this
    /// safe: nothing is recovered that is not exactly the block its key names.
    /// </summary>
    public static PackScannedRecord? TrySalvage(SafeFileHandle handle, PackDamage damage)
    {
        if (damage.Length <= PackRecord.HeaderSize || damage.Length > PackRecord.HeaderSize + PackRecord.MaxKeyLength + PackBlockStore.MaxBlockSize)
            return null;
        var bytes = GC.AllocateUninitializedArray<byte>((int)damage.Length);
        if (ReadFully(handle, bytes, damage.Start) != bytes.Length)
            return null;
        var rest = bytes.AsSpan(PackRecord.HeaderSize);
        if (!Multiformats.Multihash.TryRead(rest, out var key, out var keyLength, out _) || key is null || keyLength > PackRecord.MaxKeyLength)
            return null;
        if (!key.Matches(rest[keyLength..]))
            return null;
        return new PackScannedRecord(damage.Start, false, key, keyLength, rest.Length - keyLength);
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

    private static Status TryRead(SafeFileHandle handle, long fileLength, long offset, byte[] buffer, out PackScannedRecord record, out string? error)
    {
        record = default;
        var remaining = fileLength - offset;
        var want = (int)Math.Min(buffer.Length, remaining);
        var got = ReadFully(handle, buffer.AsSpan(0, want), offset);
        if (got < PackRecord.HeaderSize)
        {
            error = $"{got} trailing bytes, too few for a record header";
            Span<byte> magic = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(magic, PackRecord.PutMagic);
            return buffer.AsSpan(0, Math.Min(got, 3)).SequenceEqual(magic[..Math.Min(got, 3)]) ? Status.Incomplete : Status.Invalid;
        }
        var header = buffer.AsSpan(0, PackRecord.HeaderSize);
        if (!PackRecord.TryParseHeader(header, out var tombstone, out var keyLength, out var dataLength, out error))
            return Status.Invalid;
        if (got < PackRecord.HeaderSize + keyLength)
        {
            error = "record key runs past the end of the segment";
            return Status.Incomplete;
        }
        var key = buffer.AsSpan(PackRecord.HeaderSize, keyLength);
        if (!PackRecord.ChecksumMatches(header, key))
        {
            error = "record header checksum mismatch";
            return Status.Invalid;
        }
        if (PackRecord.ParseKey(key) is not { } multihash)
        {
            error = "record key is not a multihash";
            return Status.Invalid;
        }
        var size = PackRecord.Size(keyLength, dataLength);
        if (size > remaining)
        {
            error = $"record of {size} bytes runs past the end of the segment ({remaining} bytes left)";
            return Status.Incomplete;
        }
        record = new PackScannedRecord(offset, tombstone, multihash, keyLength, dataLength);
        return Status.Valid;
    }

    /// <summary>
    /// The first offset from <paramref name="from"/> where a record verifiably starts, or the file length. A
    /// candidate needs the magic, bounds and CRC; a block record must also hash to its key, or be followed by
    /// another record (or the end): a record stored inside a block's data (a pack file added to the repo) could
    /// otherwise pass and, reaching past the block, hide the real records after it.
    /// </summary>
    private static long FindNextRecord(SafeFileHandle handle, long fileLength, long from, byte[] headerBuffer)
    {
        var chunk = new byte[SearchChunk];
        var pattern = "P2P"u8;
        for (var at = from; at < fileLength;)
        {
            var got = ReadFully(handle, chunk, at);
            if (got == 0)
                break;
            var span = chunk.AsSpan(0, got);
            var searched = 0;
            while (true)
            {
                var hit = span[searched..].IndexOf(pattern);
                if (hit < 0)
                    break;
                var candidate = at + searched + hit;
                if (IsVerifiedStart(handle, fileLength, candidate, headerBuffer))
                    return candidate;
                searched += hit + 1;
            }
            if (at + got >= fileLength)
                break;
            at += Math.Max(1, got - (pattern.Length - 1)); // overlap so a pattern split across chunks is seen
        }
        return fileLength;
    }

    private static bool IsVerifiedStart(SafeFileHandle handle, long fileLength, long offset, byte[] buffer)
    {
        if (TryRead(handle, fileLength, offset, buffer, out var record, out _) != Status.Valid)
            return false;
        var end = offset + record.RecordSize;
        if (record.Tombstone || end == fileLength)
            return true;
        var data = GC.AllocateUninitializedArray<byte>(record.DataLength);
        if (ReadFully(handle, data, offset + PackRecord.HeaderSize + record.KeyLength) == data.Length && record.Key.Matches(data))
            return true;
        // A real record whose data is damaged still ends where the next record begins.
        return TryRead(handle, fileLength, end, buffer, out _, out _) != Status.Invalid;
    }

    private static bool IsZeros(SafeFileHandle handle, long from, long to)
    {
        var chunk = new byte[SearchChunk];
        for (var at = from; at < to;)
        {
            var got = ReadFully(handle, chunk.AsSpan(0, (int)Math.Min(chunk.Length, to - at)), at);
            if (got == 0)
                return true;
            if (chunk.AsSpan(0, got).ContainsAnyExcept((byte)0))
                return false;
            at += got;
        }
        return true;
    }
}
