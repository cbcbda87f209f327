using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>One record found by <see cref="PackScanner"/>: its offset, kind, key and lengths.</summary>
internal readonly record struct PackScannedRecord(long Offset, bool Tombstone, Multihash Key, int KeyLength, int DataLength)
{
    public int RecordSize => PackRecord.Size(KeyLength, DataLength);
}
