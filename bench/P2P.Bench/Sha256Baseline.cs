using System.Diagnostics;
using System.Security.Cryptography;

namespace P2P.Bench;

/// <summary>
/// The baseline that `add` is measured against: single-core SHA256.HashData over the same file's bytes,
/// 256 KiB at a time, read from the page cache. Prints MB/s (10^6 bytes per second).
/// </summary>
internal static class Sha256Baseline
{
    public static int Run(string path)
    {
        var buffer = new byte[262144];
        Span<byte> digest = stackalloc byte[32];
        // Warm the page cache and the JIT first, so that both runs read the same warm bytes.
        using (var warm = File.OpenRead(path))
        {
            while (warm.Read(buffer) > 0)
            {
            }
        }
        var best = double.MaxValue;
        long total = 0;
        for (var round = 0; round < 3; round++)
        {
            using var file = File.OpenRead(path);
            total = 0;
            var sw = Stopwatch.StartNew();
            int n;
            while ((n = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
            {
                SHA256.HashData(buffer.AsSpan(0, n), digest);
                total += n;
            }
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"sha256 {total} bytes best of 3: {best:0.000} s, {total / best / 1e6:0.0} MB/s");
        return 0;
    }
}
