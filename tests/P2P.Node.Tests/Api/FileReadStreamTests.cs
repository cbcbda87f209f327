using System.Formats.Tar;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting.Api;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Api;

/// <summary>The file stream `get` puts in its tar: TarWriter's copy gets the exporter's blocks as they are.</summary>
public sealed class FileReadStreamTests
{
    private const int Chunk = 256 * 1024;

    /// <summary>Four full leaves and a short one.</summary>
    private const int Length = 4 * Chunk + 100_000;

    private static async Task<(UnixFsExporter Exporter, Cid Root, byte[] Data)> ImportAsync()
    {
        var data = new byte[Length];
        new Random(Length).NextBytes(data);
        var store = new MemoryBlockStore();
        using var source = new MemoryStream(data);
        var result = await UnixFsImporter.ImportFileAsync(source, new ImportOptions { ChunkSize = Chunk }, store);
        return (new UnixFsExporter(new OfflineBlockGetter(store)), result.Root, data);
    }

    [Fact]
    public async Task CopyToAsync_WritesEachBlockAsOneWrite()
    {
        var (exporter, root, data) = await ImportAsync();
        await using var stream = new FileReadStream(exporter, root, Length, CancellationToken.None);
        var destination = new RecordingStream();

        await stream.CopyToAsync(destination);

        Assert.Equal(data, destination.ToArray());
        Assert.Equal([Chunk, Chunk, Chunk, Chunk, 100_000], destination.Writes);
        Assert.Equal(Length, stream.Position);
    }

    [Fact]
    public async Task CopyToAsync_AfterAPartialRead_CopiesTheRest()
    {
        var (exporter, root, data) = await ImportAsync();
        await using var stream = new FileReadStream(exporter, root, Length, CancellationToken.None);
        var head = new byte[1000];
        Assert.Equal(1000, await stream.ReadAsync(head));
        var destination = new RecordingStream();

        await stream.CopyToAsync(destination);

        byte[] joined = [.. head, .. destination.ToArray()];
        Assert.Equal(data, joined);
        Assert.Equal(Chunk - 1000, destination.Writes[0]);
    }

    [Fact]
    public async Task TarWriter_EntryFromTheStream_ReadsBackAsTheFile()
    {
        var (exporter, root, data) = await ImportAsync();
        var archive = new MemoryStream();
        await using (var stream = new FileReadStream(exporter, root, Length, CancellationToken.None))
        await using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "file") { DataStream = stream });

        archive.Position = 0;
        await using var reader = new TarReader(archive);
        var entry = await reader.GetNextEntryAsync(copyData: true);
        Assert.NotNull(entry?.DataStream);
        var read = new MemoryStream();
        await entry.DataStream.CopyToAsync(read);
        Assert.Equal(data, read.ToArray());
        Assert.Null(await reader.GetNextEntryAsync());
    }

    /// <summary>A memory stream that notes the length of each async write.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<int> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
