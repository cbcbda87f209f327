using System.Diagnostics;
using System.Globalization;
using System.Net;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;
using P2P.Node.Transport;

namespace P2P.Bench;

/// <summary>
/// Console benchmark of the block exchange between processes on loopback. <c>exchange fetch [providers] [MiB]
/// [uploadMBps] [store] [readAhead]</c> spawns that many provider processes (<c>exchange serve</c>), each importing
/// the same seeded pseudo-random file (256 KiB chunks, CIDv1), then fetches it with a session and the UnixFS exporter,
/// every block verified, and prints MB/s, the bytes each provider served and the fetcher's peak RSS.
/// store is <c>mem</c>, <c>flatfs</c> (a temp directory, no fsync; the default, so RSS reflects a real fetch) or
/// <c>pack</c> (the daemon's default store and sync policy: what <c>p2p cat</c> writes into, so bench-product.sh
/// compares the product with the engine over the same store; flatfs creates a file per block, and on an ext4 that
/// has created and deleted millions of files the inode allocator's scan made it the slower store, docs/BENCHMARKS.md).
/// P2P_WARM=1 measures a second fetch after a throwaway first one (a warm process, as a running daemon is).
/// </summary>
public static class ExchangeBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
        switch (Arg(0, "fetch"))
        {
            case "serve":
                await ServeAsync(int.Parse(Arg(1, "256"), CultureInfo.InvariantCulture), double.Parse(Arg(2, "0"), CultureInfo.InvariantCulture));
                return 0;
            case "fetch":
                await FetchAsync(
                    int.Parse(Arg(1, "1"), CultureInfo.InvariantCulture),
                    int.Parse(Arg(2, "256"), CultureInfo.InvariantCulture),
                    double.Parse(Arg(3, "0"), CultureInfo.InvariantCulture),
                    Arg(4, "flatfs"),
                    int.Parse(Arg(5, "64"), CultureInfo.InvariantCulture));
                return 0;
            default:
                Console.Error.WriteLine("usage: exchange fetch [providers] [MiB] [uploadMBps] [mem|flatfs] [readAhead] | serve MiB uploadMBps");
                return 2;
        }
    }

    private static async Task ServeAsync(int mib, double uploadMBps)
    {
        var store = new MemoryBlockStore();
        var root = await ImportAsync(store, mib);
        using var id = NodeIdentity.Generate();
        await using var transport = new LiteNetTransport(id, TransportOptionsFromEnvironment());
        transport.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var options = ExchangeOptionsFromEnvironment();
        options.UploadBytesPerSecond = (long)(uploadMBps * 1e6);
        await using var exchange = new BlockExchange(transport, store, options: options);
        using var stop = new CancellationTokenSource();
        var pump = exchange.RunAsync(stop.Token);
        Console.WriteLine($"{id.PeerId} {transport.LocalEndPoint} {root}");
        // The parent closes our stdin when the fetch is over.
        await Console.In.ReadToEndAsync();
        await stop.CancelAsync();
        await pump;
    }

    private static async Task FetchAsync(int providerCount, int mib, double uploadMBps, string storeKind, int readAhead)
    {
        var self = typeof(ExchangeBench).Assembly.Location;
        var children = new List<Process>();
        var providers = new List<Multiaddr>();
        Cid? root = null;
        for (var i = 0; i < providerCount; i++)
        {
            var child = Process.Start(new ProcessStartInfo("dotnet", $"\"{self}\" exchange serve {mib} {uploadMBps.ToString(CultureInfo.InvariantCulture)}")
            {
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            })!;
            children.Add(child);
        }
        foreach (var child in children)
        {
            var parts = (await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("provider exited")).Split(' ');
            providers.Add(new Multiaddr(IPEndPoint.Parse(parts[1]), PeerId.Parse(parts[0])));
            var cid = Cid.Parse(parts[2]);
            if (root is not null && root != cid)
                throw new InvalidOperationException("providers imported different files");
            root = cid;
        }
        var directory = Path.Combine(Path.GetTempPath(), "p2p-xbench-" + Environment.ProcessId);
        var store = OpenStore(storeKind, directory);
        try
        {
            if (Environment.GetEnvironmentVariable("P2P_WARM") == "1")
            {
                // A daemon is warm: fetch once into a throwaway store so the JIT and pools are ready, then measure.
                var warmDirectory = directory + "-warm";
                var warm = OpenStore(storeKind, warmDirectory);
                await FetchOnceAsync(warm, providers, root!, readAhead, null);
                (warm as IDisposable)?.Dispose();
                if (Directory.Exists(warmDirectory))
                    Directory.Delete(warmDirectory, recursive: true);
            }
            await FetchOnceAsync(store, providers, root!, readAhead,
                $"exchange providers={providerCount} size={mib} MiB cap={uploadMBps} MB/s store={storeKind} readAhead={readAhead} warm={Environment.GetEnvironmentVariable("P2P_WARM") == "1"}");
        }
        finally
        {
            foreach (var child in children)
            {
                child.StandardInput.Close();
                await child.WaitForExitAsync();
                child.Dispose();
            }
            (store as IDisposable)?.Dispose();
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    private static IBlockStore OpenStore(string kind, string directory) => kind switch
    {
        "mem" => new MemoryBlockStore(),
        "pack" => new PackBlockStore(directory, SyncPolicy.Batch),
        _ => new FlatFsBlockStore(directory, SyncPolicy.None),
    };

    /// <summary>One timed fetch of the whole file into <paramref name="store"/>; prints the figures when <paramref name="label"/> is set.</summary>
    private static async Task FetchOnceAsync(IBlockStore store, List<Multiaddr> providers, Cid root, int readAhead, string? label)
    {
        using var id = NodeIdentity.Generate();
        await using var transport = new LiteNetTransport(id, TransportOptionsFromEnvironment());
        transport.Start(new IPEndPoint(IPAddress.Loopback, 0));
        await using var exchange = new BlockExchange(transport, store, new FixedFinder(providers), ExchangeOptionsFromEnvironment());
        using var stop = new CancellationTokenSource();
        var pump = exchange.RunAsync(stop.Token);
        var gcBefore = GC.CollectionCount(2);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long bytes;
        await using (var session = exchange.OpenSession(root))
            bytes = await new UnixFsExporter(session, readAhead).WriteFileAsync(root, Stream.Null);
        var seconds = clock.Elapsed.TotalSeconds;
        var rss = Process.GetCurrentProcess().PeakWorkingSet64;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        if (label is null)
        {
            await stop.CancelAsync();
            await pump;
            return;
        }
        Console.WriteLine(
            $"{label}: " +
            $"{bytes / seconds / 1e6:F1} MB/s ({seconds:F2} s), fetcher CPU {cpu:F2} s, peak RSS {rss / 1e6:F0} MB, gen2 GCs {GC.CollectionCount(2) - gcBefore}, " +
            $"duplicates {exchange.Counters.DuplicateBlocks}, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        foreach (var stats in exchange.GetPeerStatistics().OrderBy(s => s.EndPoint?.Port))
            Console.WriteLine($"  provider {stats.EndPoint}: {stats.BytesReceived / 1e6:F1} MB in {stats.BlocksReceived} blocks ({100.0 * stats.BytesReceived / bytes:F1} %), window {stats.Window}, estimated {stats.BandwidthBytesPerSecond / 1e6:F0} MB/s");
        await stop.CancelAsync();
        await pump;
    }

    /// <summary>Knobs for comparing configurations: P2P_BULK (0 = LiteNetLib only), P2P_BULK_FIRST_CHANNEL (0 puts control messages on TCP too).</summary>
    private static TransportOptions TransportOptionsFromEnvironment() => new()
    {
        BulkTransport = Environment.GetEnvironmentVariable("P2P_BULK") != "0",
        BulkFirstChannel = int.TryParse(Environment.GetEnvironmentVariable("P2P_BULK_FIRST_CHANNEL"), CultureInfo.InvariantCulture, out var c) ? c : 1,
    };

    /// <summary>P2P_WINDOW sets the largest per-peer window, P2P_VERIFY the verification workers, P2P_SLACK_MS the window slack.</summary>
    private static ExchangeOptions ExchangeOptionsFromEnvironment() => new()
    {
        MaxInFlightPerPeer = int.TryParse(Environment.GetEnvironmentVariable("P2P_WINDOW"), CultureInfo.InvariantCulture, out var w) ? w : 32,
        VerifyParallelism = int.TryParse(Environment.GetEnvironmentVariable("P2P_VERIFY"), CultureInfo.InvariantCulture, out var v) ? v : 2,
        WindowSlack = int.TryParse(Environment.GetEnvironmentVariable("P2P_SLACK_MS"), CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms) : new ExchangeOptions().WindowSlack,
    };

    /// <summary>The bench file: <paramref name="mib"/> MiB from a seeded generator, imported with kubo's v1 defaults.</summary>
    private static async Task<Cid> ImportAsync(IBlockStore store, int mib)
    {
        await using var source = new SeededStream(42, (long)mib * 1024 * 1024);
        var result = await UnixFsImporter.ImportFileAsync(source, new ImportOptions(), store);
        return result.Root;
    }

    private sealed class FixedFinder(List<Multiaddr> providers) : IProviderFinder
    {
        public async IAsyncEnumerable<Multiaddr> FindProvidersAsync(Cid cid, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            foreach (var provider in providers)
                yield return provider;
        }

        public ValueTask ProvideAsync(Cid cid, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
