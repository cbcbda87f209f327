using CsCheck;

namespace P2P.Dht.Tests;

/// <summary>
/// Deterministic property runner on CsCheck generators: case i is generated from PCG(stream 1, seed + i),
/// so a passing run is the same every time. On the first failing case CsCheck takes over from that
/// case's seed and shrinks it, and the thrown message carries the smallest counter-example it found.
/// </summary>
internal static class Property
{
    public static void ForAll<T>(Gen<T> gen, Action<T> assert, int iterations, ulong seed, Func<T, string>? print = null)
    {
        for (var i = 0; i < iterations; i++)
        {
            var pcg = new PCG(1, seed + (ulong)i);
            var caseSeed = pcg.ToString();
            var value = gen.Generate(pcg, null!, out _);
            try
            {
                assert(value);
            }
            catch (Exception)
            {
                gen.Sample(assert, seed: caseSeed, iter: 500, threads: 1, print: print);
                throw;
            }
        }
    }
}
