using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>Reading a block's data from its segment. Takes no lock: positional reads on a handle that compaction may close.</summary>
internal static class PackReader
{
    /// <summary>The bytes of the block stored under <paramref name="multihash"/>, or null.</summary>
    public static byte[]? Get(PackState state, Multihash multihash)
    {
        // A compaction may move the record and close the old segment between the lookup and the read:
        // the index is updated before the old segment is closed, so looking up again finds the new place.
        for (var attempt = 0; ; attempt++)
        {
            if (!state.Index.TryGetValue(multihash, out var location))
                return null;
            try
            {
                if (state.Segments.TryGetValue(location.Segment, out var segment))
                    return ReadData(segment, location);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
            if (attempt >= 3)
                throw new InvalidDataException($"block {multihash} is indexed in segment {location.Segment}, which is gone");
        }
    }

    /// <summary>The data of the record at <paramref name="location"/>; throws when the segment ends inside it.</summary>
    public static byte[] ReadData(PackSegment segment, PackLocation location)
    {
        var data = GC.AllocateUninitializedArray<byte>(location.DataLength);
        if (PackScanner.ReadFully(segment.Handle, data, location.DataOffset) != data.Length)
            throw new InvalidDataException($"segment {segment.Path} ends inside the record at offset {location.Offset}");
        return data;
    }
}
