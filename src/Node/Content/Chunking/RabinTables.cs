using System.Collections.Concurrent;
using System.Numerics;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// The two lookup tables that make a Rabin fingerprint roll one byte at a time over GF(2)[x] modulo an irreducible
/// polynomial P of degree k (restic's chunker, kept by the whyrusleeping fork that kubo uses). Derived from P alone,
/// so they are computed once per polynomial and shared.
/// </summary>
internal sealed class RabinTables
{
    /// <summary>Fingerprint size in bytes of the sliding window (the fork's value; restic's own is 64).</summary>
    public const int WindowSize = 16;

    private static readonly ConcurrentDictionary<ulong, RabinTables> Cache = new();

    private RabinTables(ulong polynomial)
    {
        Degree = Deg(polynomial);
        Shift = Degree - 8;
        for (var b = 0; b < 256; b++)
        {
            // Out[b] is the fingerprint of b followed by WindowSize-1 zero bytes: XOR-ing it removes b from the
            // front of a full window, since the fingerprint is linear.
            ulong h = 0;
            h = AppendByte(h, (byte)b, polynomial);
            for (var i = 0; i < WindowSize - 1; i++)
                h = AppendByte(h, 0, polynomial);
            Out[b] = h;
            // Mod[b] both cancels the 8 bits that a shift pushes above the degree (the high part, b·x^k) and adds
            // their remainder modulo P (the low part), so one XOR reduces the fingerprint again.
            Mod[b] = Reduce((ulong)b << Degree, polynomial) | ((ulong)b << Degree);
        }
    }

    public int Degree { get; }

    /// <summary>Right shift that brings the top 8 bits of a reduced fingerprint down to a table index.</summary>
    public int Shift { get; }

    public ulong[] Out { get; } = new ulong[256];

    public ulong[] Mod { get; } = new ulong[256];

    /// <summary>The tables of <paramref name="polynomial"/>, which must have a degree between 9 and 55.</summary>
    public static RabinTables For(ulong polynomial)
    {
        var degree = Deg(polynomial);
        if (degree is < 9 or > 55)
            throw new ArgumentOutOfRangeException(nameof(polynomial), "the polynomial's degree must be between 9 and 55");
        return Cache.GetOrAdd(polynomial, p => new RabinTables(p));
    }

    private static int Deg(ulong x) => x == 0 ? -1 : 63 - BitOperations.LeadingZeroCount(x);

    /// <summary>x mod p over GF(2): subtract (XOR) shifted copies of p until x's degree is below p's.</summary>
    private static ulong Reduce(ulong x, ulong p)
    {
        var dp = Deg(p);
        for (var dx = Deg(x); dx >= dp; dx = Deg(x))
            x ^= p << (dx - dp);
        return x;
    }

    private static ulong AppendByte(ulong hash, byte b, ulong p) => Reduce((hash << 8) | b, p);
}
