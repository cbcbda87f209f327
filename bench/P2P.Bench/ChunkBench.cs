using System.Diagnostics;
using P2P.Node.Content.Chunking;

namespace P2P.Bench;

/// <summary>
/// `P2P.Bench chunk [MiB]`: MB/s of each chunker cutting one in-memory buffer (default 256 MiB of seeded random
/// bytes), boundaries only: no hashing or storing, so the figure is the chunker's own cost.
/// </summary>
public static class ChunkBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mib = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 256;
        var data = new byte[mib * 1024L * 1024L];
        new Random(1).NextBytes(data);
        foreach (var name in new[] { "size-262144", "rabin", "rabin-16384", "buzhash" })
        {
            var spec = ChunkerSpec.Parse(name);
            var best = double.MaxValue;
            var chunks = 0;
            for (var run = 0; run < 3; run++)
            {
                using var reader = spec.Open(new MemoryStream(data, writable: false));
                var buffer = new byte[reader.BufferLength];
                chunks = 0;
                var watch = Stopwatch.StartNew();
                while (await reader.ReadChunkAsync(buffer) > 0)
                    chunks++;
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"{name,-14} {data.Length / best / 1e6,8:F0} MB/s  {chunks,6} chunks  avg {data.Length / chunks,8} B");
        }
        return 0;
    }
}
