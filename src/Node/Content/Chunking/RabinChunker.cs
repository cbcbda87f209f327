using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// kubo's <c>rabin</c> chunker (boxo/chunker rabin.go over the whyrusleeping fork of restic's chunker): a Rabin
/// fingerprint of the last 16 bytes, rolled byte by byte modulo a degree-53 irreducible polynomial. A chunk ends
/// after the first byte, from <see cref="Min"/> bytes on, where the fingerprint's low log2(avg) bits are all zero,
/// and at <see cref="Max"/> bytes at the latest. The first <c>Min − 16</c> bytes of a chunk never enter the
/// fingerprint, so each chunk's search starts fresh and costs nothing for its first bytes.
/// </summary>
/// <remarks>
/// The fork starts the window at zeros with a single 1 slid in; after 16 data bytes that 1 has left the window, and
/// the first test happens exactly then (at Min), so every tested value is simply the fingerprint of the 16 bytes
/// before the cut. When Min is below 16 the fork's unsigned skip count wraps around and it never cuts: the whole
/// stream is one chunk. That is kept (small files get kubo's CID) up to the chunk size limit.
/// </remarks>
public sealed class RabinChunker : IChunkBoundaries
{
    /// <summary>kubo's polynomial (boxo's IpfsRabinPoly), irreducible of degree 53.</summary>
    public const ulong IpfsPolynomial = 17437180132763653;

    private readonly RabinTables _tables;
    private readonly ulong _mask;

    /// <summary>A chunker with kubo's polynomial.</summary>
    public RabinChunker(int min, int avg, int max)
        : this(IpfsPolynomial, min, avg, max)
    {
    }

    /// <summary>Any polynomial: restic's and the fork's published test vectors use another one.</summary>
    public RabinChunker(ulong polynomial, int min, int avg, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        ArgumentOutOfRangeException.ThrowIfNegative(avg);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        _tables = RabinTables.For(polynomial);
        Min = min;
        Avg = avg;
        Max = max;
        // The fork takes floor(log2(avg)) bits; avg 0 only occurs with Min below 16, where no test is made.
        _mask = avg > 0 ? (1UL << BitOperations.Log2((uint)avg)) - 1 : ulong.MaxValue;
    }

    public int Min { get; }

    public int Avg { get; }

    public int Max { get; }

    /// <summary>Min below the window: kubo makes the whole stream one chunk (see the remarks).</summary>
    public bool WholeStream => Min < RabinTables.WindowSize;

    /// <inheritdoc/>
    /// <remarks>For a whole-stream chunker one byte past the chunk limit, to tell "exactly full" from "too long".</remarks>
    public int FillLength => WholeStream ? FixedSizeChunker.MaxSize + 1 : Max;

    /// <inheritdoc/>
    public int FindCut(ReadOnlySpan<byte> data, bool atEnd)
    {
        if (WholeStream)
            return atEnd ? data.Length : -1;
        var n = data.Length;
        if (Math.Min(n, Max) < Min)
            return n;
        ref var bytes = ref MemoryMarshal.GetReference(data);
        ref var outTable = ref MemoryMarshal.GetArrayDataReference(_tables.Out);
        ref var modTable = ref MemoryMarshal.GetArrayDataReference(_tables.Mod);
        var shift = _tables.Shift;
        ulong digest = 0;
        for (var i = Min - RabinTables.WindowSize; i < Min; i++)
            digest = Append(ref modTable, shift, digest, Unsafe.Add(ref bytes, i));
        // digest is the fingerprint of the 16 bytes before `end` on every pass.
        for (var end = Min; ; end++)
        {
            if ((digest & _mask) == 0 || end >= Max)
                return end;
            if (end >= n)
                return n;
            digest ^= Unsafe.Add(ref outTable, Unsafe.Add(ref bytes, end - RabinTables.WindowSize));
            digest = Append(ref modTable, shift, digest, Unsafe.Add(ref bytes, end));
        }
    }

    /// <summary>The fingerprint of a 16-byte window, as the fork reports it for a cut (for tests).</summary>
    public ulong Fingerprint(ReadOnlySpan<byte> window)
    {
        if (window.Length != RabinTables.WindowSize)
            throw new ArgumentException("the window is 16 bytes", nameof(window));
        ref var modTable = ref MemoryMarshal.GetArrayDataReference(_tables.Mod);
        ulong digest = 0;
        foreach (var b in window)
            digest = Append(ref modTable, _tables.Shift, digest, b);
        return digest;
    }

    /// <summary>Shifts one byte in; the table entry chosen by the 8 bits pushed over the degree reduces it again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Append(ref ulong modTable, int shift, ulong digest, byte b) =>
        ((digest << 8) | b) ^ Unsafe.Add(ref modTable, (nint)(digest >> shift));
}
