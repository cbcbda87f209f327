using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using P2P.Node.Content.Importing;
using P2P.Node.Storage;

namespace P2P.Bench;

/// <summary>
/// The importer against the DESIGN.md §7 target: adding must run at ≥ 60 % of single-core SHA256.HashData on the
/// same bytes. Run: <c>dotnet run -c Release --project bench/P2P.Bench -- --filter '*ContentImport*'</c>.
/// Throughput is <c>Size / Mean</c>; compare each row with the Sha256 baseline.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ContentImportBenchmark
{
    private byte[] _data = [];

    [Params(256 * 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public byte[] Sha256HashData() => SHA256.HashData(_data);

    [Benchmark]
    public async Task<ImportResult> ImportDefaultIntoNullStore() =>
        await UnixFsImporter.ImportFileAsync(new MemoryStream(_data, writable: false), new ImportOptions(), new ContentNullBlockStore());

    [Benchmark]
    public async Task<ImportResult> ImportProfile2025IntoNullStore() =>
        await UnixFsImporter.ImportFileAsync(new MemoryStream(_data, writable: false), ImportOptions.UnixFsV1_2025, new ContentNullBlockStore());

    [Benchmark]
    public async Task<ImportResult> ImportDefaultIntoMemoryStore() =>
        await UnixFsImporter.ImportFileAsync(new MemoryStream(_data, writable: false), new ImportOptions(), new MemoryBlockStore());

    [Benchmark]
    public async Task<ImportResult> ImportSingleThreadIntoNullStore() =>
        await UnixFsImporter.ImportFileAsync(new MemoryStream(_data, writable: false), new ImportOptions { Parallelism = 1 }, new ContentNullBlockStore());
}
