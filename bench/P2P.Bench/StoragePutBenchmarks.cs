using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Storage.Pack;

namespace P2P.Bench;

/// <summary>
/// Put throughput of the pack and flatfs block stores: 1 GiB of distinct blocks per invocation into a fresh directory,
/// from 1 or 2 writer threads, under each sync policy, Flush included. Throughput = 1 GiB / Mean.
/// The store does not verify, so CIDs are hashes of the block index and 64 random buffers are reused as data:
/// the run measures the store, not SHA-256.
/// One 1 GiB invocation per case keeps the whole run to a few minutes; raise iterationCount on a quiet machine.
/// Run: dotnet run -c Release --project bench/P2P.Bench -- --filter '*StoragePut*'
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class StoragePutBenchmarks
{
    private const long TotalBytes = 1L << 30;

    private byte[][] _buffers = [];
    private Cid[] _cids = [];
    private string _directory = "";
    private IBlockStore? _store;

    [Params("pack", "flatfs")]
    public string Store { get; set; } = "pack";

    [Params(SyncPolicy.None, SyncPolicy.Batch, SyncPolicy.Always)]
    public SyncPolicy Policy { get; set; }

    [Params(1, 2)]
    public int Writers { get; set; }

    [Params(262_144)]
    public int BlockSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261125);
        _buffers = new byte[64][];
        for (var i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = new byte[BlockSize];
            random.NextBytes(_buffers[i]);
        }
        _cids = new Cid[(int)(TotalBytes / BlockSize)];
        for (var i = 0; i < _cids.Length; i++)
            _cids[i] = Cid.V1(Multicodec.Raw, Multihash.Sha256(BitConverter.GetBytes(i)));
    }

    [IterationSetup]
    public void CreateStore()
    {
        _directory = Path.Join(Path.GetTempPath(), $"p2p-bench-{Store}-" + Guid.NewGuid().ToString("n"));
        _store = Store == "pack" ? new PackBlockStore(_directory, Policy) : new FlatFsBlockStore(_directory, Policy);
    }

    [IterationCleanup]
    public void DeleteStore()
    {
        (_store as IDisposable)?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public void PutOneGiB()
    {
        var store = _store!;
        var next = -1;
        var threads = new Thread[Writers];
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < _cids.Length)
                    store.Put(_cids[i], _buffers[i % _buffers.Length]);
            });
            threads[t].Start();
        }
        foreach (var thread in threads)
            thread.Join();
        store.Flush();
    }
}
