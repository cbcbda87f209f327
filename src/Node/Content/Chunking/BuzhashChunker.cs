using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// kubo's <c>buzhash</c> chunker (boxo/chunker buzhash.go): a cyclic-polynomial rolling hash over a 32-byte window,
/// each byte mapped through a fixed 256-entry table and the running state rotated left one bit per byte. A chunk
/// ends after the first window whose hash has its low 17 bits clear, looking only from 128 KiB on; with no such
/// window it ends at 512 KiB (or at the end of the stream). Because a 32-bit state rotated 32 times is back where
/// it started, the byte leaving the window is removed with the same table entry that added it.
/// </summary>
public sealed class BuzhashChunker : IChunkBoundaries
{
    /// <summary>No cut is considered before this many bytes.</summary>
    public const int MinLength = 128 << 10;

    /// <summary>A chunk with no cut point is cut here.</summary>
    public const int MaxLength = 512 << 10;

    private const int Window = 32;
    private const uint Mask = (1u << 17) - 1;

    public static BuzhashChunker Instance { get; } = new();

    private BuzhashChunker()
    {
    }

    /// <inheritdoc/>
    public int FillLength => MaxLength;

    /// <inheritdoc/>
    public int FindCut(ReadOnlySpan<byte> data, bool atEnd)
    {
        // Less than the minimum left: kubo hands the remainder over whole.
        if (data.Length < MinLength)
            return data.Length;
        var total = Math.Min(data.Length, MaxLength);
        ref var bytes = ref MemoryMarshal.GetReference(data);
        ref var table = ref MemoryMarshal.GetArrayDataReference(BuzhashTable.Values);
        uint state = 0;
        for (var i = MinLength - Window; i < MinLength; i++)
            state = BitOperations.RotateLeft(state, 1) ^ Lookup(ref table, Unsafe.Add(ref bytes, i));
        // The state is the hash of the window that ends at `end`; the last possible end, `total`, is never tested
        // (kubo's loop stops one short), which only matters when the buffer ran out there anyway.
        for (var end = MinLength; end < total; end++)
        {
            if ((state & Mask) == 0)
                return end;
            state = BitOperations.RotateLeft(state, 1)
                ^ Lookup(ref table, Unsafe.Add(ref bytes, end - Window))
                ^ Lookup(ref table, Unsafe.Add(ref bytes, end));
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Lookup(ref uint table, byte b) => Unsafe.Add(ref table, b);
}
