using CsCheck;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>Laws of add then cat, drawn from seeded CsCheck generators so every run sees the same cases.</summary>
public class ImportExportPropertyTests
{
    /// <summary>Small chunks and link counts make multi-level trees cheap; sizes cluster around every boundary.</summary>
    private static readonly Gen<(ImportOptions Options, int Length)> GenCase =
        Gen.Select(
            Gen.Int[0, 4].Select(i => new[] { 1, 3, 64, 1000, 262_144 }[i]),
            Gen.Int[0, 3].Select(i => new[] { 2, 3, 7, 174 }[i]),
            Gen.Int[0, 1],
            Gen.Bool,
            Gen.Int[-2, 2],
            Gen.Int[0, 3],
            Gen.Int[0, 3 << 20],
            (chunk, links, version, raw, delta, level, free) =>
        {
            var options = new ImportOptions { ChunkSize = chunk, MaxLinks = links, CidVersion = version, RawLeaves = raw };
            // Either a free size, or a size next to chunk × links^level, where a new tree level begins.
            var boundary = (long)chunk * (long)Math.Pow(links, level);
            var length = free % 3 == 0 || boundary > (3 << 20) ? free : (int)Math.Max(0, boundary + delta);
            // Keep the leaf count sane when chunks are tiny.
            return (options, Math.Min(length, chunk * 8_000));
        });

    private static T Draw<T>(Gen<T> gen, PCG pcg) => gen.Generate(pcg, null, out _);

    [Fact]
    public async Task AddThenCat_RandomSizesAndRanges_ReturnsTheSameBytes()
    {
        var pcg = new PCG(3, 424242);
        var random = new Random(424242);
        for (var i = 0; i < 40; i++)
        {
            var (options, length) = Draw(GenCase, pcg);
            var data = new byte[length];
            random.NextBytes(data);
            var store = new MemoryBlockStore();
            using var stream = new TricklingStreamIfSmall(data, random);
            var result = await UnixFsImporter.ImportFileAsync(stream, options, store);
            Assert.Equal(length, result.FileSize);
            var exporter = new UnixFsExporter(new OfflineBlockGetter(store), readAhead: random.Next(0, 20));
            Assert.Equal(length, (await exporter.StatAsync(result.Root)).Size);

            using var whole = new MemoryStream();
            await exporter.WriteFileAsync(result.Root, whole);
            Assert.True(data.AsSpan().SequenceEqual(whole.ToArray()), $"case {i}: {options} length {length}");

            var offset = random.NextInt64(0, length + 2);
            long? take = random.Next(3) == 0 ? null : random.NextInt64(0, length + 2);
            using var part = new MemoryStream();
            await exporter.WriteFileAsync(result.Root, part, offset, take);
            var start = (int)Math.Min(offset, length);
            var end = take is null ? length : (int)Math.Min(length, start + take.Value);
            Assert.True(data.AsSpan(start, end - start).SequenceEqual(part.ToArray()), $"case {i}: range {offset}+{take}");
        }
    }

    [Fact]
    public async Task Import_SameBytesTwice_GivesTheSameRootAndBlocks()
    {
        var data = new byte[3 << 20];
        new Random(9).NextBytes(data);
        var a = new MemoryBlockStore();
        var b = new MemoryBlockStore();
        var options = new ImportOptions { ChunkSize = 4096, MaxLinks = 11, Parallelism = 4 };
        var first = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), options, a);
        var second = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), options with { Parallelism = 1 }, b);
        Assert.Equal(first, second);
        Assert.Equal(a.EnumerateMultihashes().Order(Comparer<Multihash>.Create((x, y) => x.Bytes.SequenceCompareTo(y.Bytes))),
            b.EnumerateMultihashes().Order(Comparer<Multihash>.Create((x, y) => x.Bytes.SequenceCompareTo(y.Bytes))));
    }

    [Fact]
    public async Task ImportFileAsync_OnlyHash_StoresNothingButGivesTheSameRoot()
    {
        var data = new byte[700_000];
        new Random(10).NextBytes(data);
        var kept = new MemoryBlockStore();
        var dropped = new MemoryBlockStore();
        var stored = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), new ImportOptions(), kept);
        var hashed = await UnixFsImporter.ImportFileAsync(new MemoryStream(data), new ImportOptions { OnlyHash = true }, dropped);
        Assert.Equal(stored.Root, hashed.Root);
        Assert.Equal(4, kept.Count);
        Assert.Equal(0, dropped.Count);
    }

    [Fact]
    public async Task ImportFileAsync_Progress_ReportsEveryByteInOrder()
    {
        var data = new byte[1_000_000];
        var reports = new List<long>();
        var progress = new SynchronousProgress(reports.Add);
        await UnixFsImporter.ImportFileAsync(new MemoryStream(data), new ImportOptions { ChunkSize = 65536 }, new MemoryBlockStore(), progress);
        Assert.Equal(16, reports.Count);
        Assert.Equal(1_000_000, reports[^1]);
        Assert.True(reports.SequenceEqual(reports.Order()));
    }

    [Fact]
    public async Task ImportFileAsync_Blake3_UsesBlake3EverywhereAndCidV1()
    {
        var store = new MemoryBlockStore();
        var result = await UnixFsImporter.ImportFileAsync(new MemoryStream(new byte[1000]),
            new ImportOptions { HashFunction = Multicodec.Blake3, ChunkSize = 100 }, store);
        Assert.Equal(1, result.Root.Version);
        Assert.Equal(Multicodec.Blake3, result.Root.Multihash.Code);
        Assert.All(store.EnumerateMultihashes(), m => Assert.Equal(Multicodec.Blake3, m.Code));
        using var output = new MemoryStream();
        await new UnixFsExporter(new OfflineBlockGetter(store)).WriteFileAsync(result.Root, output);
        Assert.Equal(new byte[1000], output.ToArray());
    }

    [Fact]
    public void Validate_CidV0WithBlake3_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImportOptions { CidVersion = 0, HashFunction = Multicodec.Blake3 }.Validate());
        Assert.Contains("CIDv0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportFileAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            UnixFsImporter.ImportFileAsync(new MemoryStream(new byte[10_000]), new ImportOptions { ChunkSize = 100 }, new MemoryBlockStore(), null, cts.Token));
    }

    /// <summary>Progress that reports on the caller's thread, so the test sees every value without waiting.</summary>
    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    /// <summary>Short reads on small inputs (cheap), plain reads on large ones.</summary>
    private sealed class TricklingStreamIfSmall(byte[] data, Random random) : MemoryStream(data, writable: false)
    {
        private readonly bool _trickle = data.Length < 20_000;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _trickle ? ValueTask.FromResult(Read(buffer.Span[..Math.Min(buffer.Length, random.Next(1, 300))])) : base.ReadAsync(buffer, cancellationToken);
    }
}
