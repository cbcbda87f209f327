using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Tests.Content;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// Exchange nodes on 127.0.0.1 for one test: each registered with <see cref="Track"/> is disposed when the test
/// ends, under one deadline for the whole test; files are imported in 16 KiB chunks and read back through a session.
/// </summary>
public abstract class ExchangeTestBase(TimeSpan deadline) : IAsyncLifetime
{
    protected const int ChunkSize = 16 * 1024;

    private readonly List<ExchangeNode> _nodes = [];
    private CancellationTokenSource _timeout = new(deadline);

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>Gives the rest of the test a new deadline (a long variant of a shared body).</summary>
    protected void ResetDeadline(TimeSpan deadline)
    {
        _timeout.Dispose();
        _timeout = new CancellationTokenSource(deadline);
    }

    private protected ExchangeNode Track(ExchangeNode node)
    {
        _nodes.Add(node);
        return node;
    }

    /// <summary>Imports G(seed, length) in 16 KiB chunks into <paramref name="store"/>.</summary>
    protected static async Task<(Cid Root, byte[] Data, long Blocks)> ImportAsync(IBlockStore store, int length, string seed = "exchange")
    {
        var data = ChaChaStream.Generate(seed, length);
        using var stream = new MemoryStream(data);
        var result = await UnixFsImporter.ImportFileAsync(stream, new ImportOptions { ChunkSize = ChunkSize }, store);
        return (result.Root, data, result.BlockCount);
    }

    /// <summary>Reads the file at <paramref name="root"/> through <paramref name="session"/>.</summary>
    protected async Task<byte[]> ExportAsync(ExchangeSession session, Cid root, int readAhead = 32)
    {
        using var output = new MemoryStream();
        await new UnixFsExporter(session, readAhead).WriteFileAsync(root, output, cancellationToken: Ct);
        return output.ToArray();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _timeout.Dispose();
    }
}
