using System.Numerics;
using System.Runtime.InteropServices;
using SharpFuzz.Common;

namespace P2P.Fuzz.Engine;

/// <summary>
/// Edge coverage from SharpFuzz instrumentation. An assembly rewritten by the <c>sharpfuzz</c> tool does, at
/// every branch, <c>Trace.SharedMem[cur ^ Trace.PrevLocation]++; Trace.PrevLocation = cur &gt;&gt; 1</c> — AFL's
/// scheme. Here the map is our own native buffer instead of AFL's shared memory: we clear it before an
/// execution and afterwards look for (edge, hit-count bucket) pairs never seen before, as AFL does.
/// When nothing is instrumented the map stays zero and the engine falls back to outcome labels.
/// </summary>
internal sealed unsafe class CoverageMap : IDisposable
{
    public const int Size = 1 << 16;

    /// <summary>
    /// The one trace buffer of the process. Instrumented code writes to it on every branch, including code run
    /// outside a fuzzing loop (a target's constructor, a replay), so it is installed once and never freed.
    /// </summary>
    private static readonly IntPtr TraceBuffer = Install();

    private readonly byte* _map = (byte*)TraceBuffer;
    private readonly byte[] _seen = new byte[Size];

    /// <summary>Points SharpFuzz's trace at our buffer (once); call before any instrumented code can run.</summary>
    public static bool EnsureInstalled() => TraceBuffer != IntPtr.Zero;

    private static IntPtr Install()
    {
        var map = (byte*)NativeMemory.AllocZeroed(Size);
        Trace.SharedMem = map;
        Trace.PrevLocation = 0;
        return (IntPtr)map;
    }

    /// <summary>Distinct edges seen so far.</summary>
    public int Edges { get; private set; }

    /// <summary>True once any instrumented branch has run.</summary>
    public bool Active => Edges > 0;

    public void Reset()
    {
        NativeMemory.Clear(_map, Size);
        Trace.PrevLocation = 0;
    }

    /// <summary>Folds the last execution into the totals; true when it reached a new edge or hit-count bucket.</summary>
    public bool Collect()
    {
        var found = false;
        var words = new ReadOnlySpan<ulong>(_map, Size / sizeof(ulong));
        for (var w = 0; w < words.Length; w++)
        {
            if (words[w] == 0)
                continue;
            for (var i = w * 8; i < w * 8 + 8; i++)
            {
                var hits = _map[i];
                if (hits == 0)
                    continue;
                var bucket = Bucket(hits);
                if ((_seen[i] & bucket) != 0)
                    continue;
                if (_seen[i] == 0)
                    Edges++;
                _seen[i] |= bucket;
                found = true;
            }
        }
        return found;
    }

    /// <summary>AFL's hit-count classes: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+, one bit each.</summary>
    private static byte Bucket(byte hits) => hits switch
    {
        1 => 1,
        2 => 2,
        3 => 4,
        < 8 => 8,
        < 16 => 16,
        < 32 => 32,
        < 128 => 64,
        _ => 128,
    };

    /// <summary>Leaves the buffer installed (see <see cref="TraceBuffer"/>); only clears it for whoever runs next.</summary>
    public void Dispose() => Reset();

    /// <summary>Count of set bits, for reporting.</summary>
    public int Features()
    {
        var n = 0;
        foreach (var b in _seen)
            n += BitOperations.PopCount(b);
        return n;
    }
}
