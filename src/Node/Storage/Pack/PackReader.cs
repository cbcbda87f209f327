using System.Buffers;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>Reading a block's data from its segment. Takes no lock: positional reads on a handle that compaction may close.</summary>
internal static class PackReader
{
    /// <summary>The bytes of the block stored under <paramref name="multihash"/>, or null.</summary>
    public static byte[]? Get(PackState state, Multihash multihash) =>
        Read(state, multihash, (object?)null, static (segment, location, _) => ReadData(segment, location));

    /// <summary>
    /// The bytes of the block stored under <paramref name="multihash"/> in an array rented from <paramref name="pool"/>,
    /// or null. A fresh 256 KiB array per block is a large-object allocation whose pages the kernel faults in on
    /// the read; a rented one was touched by the block before it.
    /// </summary>
    public static BlockBuffer? Rent(PackState state, Multihash multihash, ArrayPool<byte> pool) =>
        Read(state, multihash, pool, static (segment, location, pool) => RentData(segment, location, pool));

    /// <summary>The data of the record at <paramref name="location"/>; throws when the segment ends inside it.</summary>
    public static byte[] ReadData(PackSegment segment, PackLocation location)
    {
        var data = GC.AllocateUninitializedArray<byte>(location.DataLength);
        Fill(segment, location, data);
        return data;
    }

    private static BlockBuffer RentData(PackSegment segment, PackLocation location, ArrayPool<byte> pool)
    {
        var buffer = BlockBuffer.Rent(pool, location.DataLength);
        try
        {
            Fill(segment, location, buffer.Writable);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static void Fill(PackSegment segment, PackLocation location, Span<byte> data)
    {
        if (PackScanner.ReadFully(segment.Handle, data, location.DataOffset) != data.Length)
            throw new InvalidDataException($"segment {segment.Path} ends inside the record at offset {location.Offset}");
    }

    private static T? Read<T, TState>(PackState state, Multihash multihash, TState arg, Func<PackSegment, PackLocation, TState, T> read)
        where T : class
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
                    return read(segment, location, arg);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
            if (attempt >= 3)
                throw new InvalidDataException($"block {multihash} is indexed in segment {location.Segment}, which is gone");
        }
    }
}
