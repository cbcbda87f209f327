namespace P2P.Node.Storage.Pack;

/// <summary>Where a live block's record sits: segment number, record offset, and the lengths that follow its header.</summary>
internal readonly record struct PackLocation(int Segment, long Offset, int KeyLength, int DataLength)
{
    public long DataOffset => Offset + PackRecord.HeaderSize + KeyLength;

    public int RecordSize => PackRecord.Size(KeyLength, DataLength);
}
