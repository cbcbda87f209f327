using System.Buffers.Binary;
using System.Numerics;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// The on-disk record of a pack segment, little-endian:
/// <c>magic u32 | key length u16 | reserved u16 (0) | data length u32 | CRC-32C u32 | key | data</c>.
/// The CRC-32C (Castagnoli, as iSCSI and ext4 metadata use) covers the first 12 header bytes and the key, so
/// a scan can tell a real record from a torn or garbage tail before trusting its lengths. The data is not
/// covered: it is checked against the key (a multihash) by re-hashing, which `repo verify` does.
/// A put record carries the block; a tombstone (different magic, no data) records a delete.
/// </summary>
internal static class PackRecord
{
    public const int HeaderSize = 16;

    /// <summary>Longest key accepted: a multihash of <see cref="Multihash.MaxDigestLength"/> plus two 9-byte varints.</summary>
    public const int MaxKeyLength = Multihash.MaxDigestLength + 18;

    /// <summary>"P2PB" read as a little-endian u32: a block.</summary>
    public const uint PutMagic = 0x42503250;

    /// <summary>"P2PD" read as a little-endian u32: a delete.</summary>
    public const uint TombstoneMagic = 0x44503250;

    public static int Size(int keyLength, int dataLength) => HeaderSize + keyLength + dataLength;

    /// <summary>Writes header and key into <paramref name="destination"/>; the caller copies the data after them.</summary>
    public static void WriteHeader(Span<byte> destination, bool tombstone, ReadOnlySpan<byte> key, int dataLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, tombstone ? TombstoneMagic : PutMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], (ushort)key.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)dataLength);
        key.CopyTo(destination[HeaderSize..]);
        var crc = Checksum(destination[..12], key);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], crc);
    }

    /// <summary>
    /// Parses the fixed header. False (with a reason) for a bad magic, reserved bits, or lengths out of bounds,
    /// so nothing is allocated on the strength of a corrupt length.
    /// </summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> header, out bool tombstone, out int keyLength, out int dataLength, out string? error)
    {
        tombstone = false;
        keyLength = 0;
        dataLength = 0;
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (magic is not (PutMagic or TombstoneMagic))
        {
            error = $"bad record magic 0x{magic:x8}";
            return false;
        }
        tombstone = magic == TombstoneMagic;
        keyLength = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        var reserved = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        var data = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (reserved != 0 || keyLength is 0 or > MaxKeyLength)
        {
            error = $"bad record header (key length {keyLength}, reserved {reserved})";
            return false;
        }
        if (data > PackBlockStore.MaxBlockSize || (tombstone && data != 0))
        {
            error = $"bad record data length {data}";
            return false;
        }
        dataLength = (int)data;
        error = null;
        return true;
    }

    /// <summary>True when the stored CRC matches the header and key.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> key) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) == Checksum(header[..12], key);

    /// <summary>Parses the key as a multihash that fills it exactly; null otherwise.</summary>
    public static Multihash? ParseKey(ReadOnlySpan<byte> key) =>
        Multihash.TryRead(key, out var multihash, out var consumed, out _) && consumed == key.Length ? multihash : null;

    /// <summary>CRC-32C over two spans; BitOperations uses the SSE4.2/ARMv8 instruction when there is one.</summary>
    internal static uint Checksum(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var crc = Update(uint.MaxValue, first);
        return ~Update(crc, second);
    }

    private static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        foreach (var b in bytes)
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
