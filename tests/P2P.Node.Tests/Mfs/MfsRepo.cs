using System.Text;
using P2P.Node.Hosting;
using P2P.Node.Mfs;
using P2P.Node.Storage;
using P2P.Node.Tests.Storage;

namespace P2P.Node.Tests.Mfs;

/// <summary>A fresh repo in a temp directory with its MFS, for one test.</summary>
internal sealed class MfsRepo : IDisposable
{
    private readonly TempDirectory _directory = new();

    public MfsRepo()
    {
        Repo.Init(_directory.Join("repo")).Dispose();
        Node = LocalContent.Open(Path);
    }

    public string Path => _directory.Join("repo");

    public LocalContent Node { get; private set; }

    public MutableFiles Files => Node.Files;

    /// <summary>Closes the repo and opens it again, as the next command would.</summary>
    public void Reopen()
    {
        Node.Dispose();
        Node = LocalContent.Open(Path);
    }

    public Task WriteAsync(string path, string text, MfsWriteOptions? options = null) =>
        Files.WriteAsync(path, new MemoryStream(Encoding.UTF8.GetBytes(text)), options ?? new MfsWriteOptions { Create = true }, default);

    public async Task<string> ReadAsync(string path, long offset = 0, long? count = null)
    {
        var range = await Files.OpenReadAsync(path, offset, count, default);
        var bytes = new MemoryStream();
        await foreach (var piece in Files.ReadAsync(range, default))
            bytes.Write(piece.Span);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public async Task<string[]> NamesAsync(string path) => [.. (await Files.ListAsync(path, false, default)).Select(e => e.Name).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        Node.Dispose();
        _directory.Dispose();
    }
}
