using P2P.Node.Content.Exporting;
using P2P.Node.Hosting.Api;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's `cat` in the daemon, for whichever way the bytes leave (the HTTP API's answer, or a descriptor the CLI passed on
/// the local channel): every path resolved and its first block fetched before the first byte, so a missing file fails
/// before anything is written; one fetch session per root; offset and length over the files one after the other.
/// </summary>
internal sealed class CatFiles : IAsyncDisposable
{
    private readonly List<SwarmFetch> _fetches = [];
    private readonly List<(UnixFsExporter Exporter, Cid Cid, long Size)> _files = [];
    private readonly long _offset;
    private readonly long? _length;

    private CatFiles(long offset, long? length)
    {
        _offset = offset;
        _length = length;
    }

    /// <summary>The bytes <see cref="WriteAsync"/> will write.</summary>
    public long Length => Math.Max(0, Math.Min(_length ?? long.MaxValue, _files.Sum(f => f.Size) - _offset));

    public static async Task<CatFiles> OpenAsync(Daemon daemon, IReadOnlyList<string> paths, long offset, long? length, CancellationToken ct)
    {
        if (offset < 0 || length < 0)
            throw new ArgumentException("offset and length must not be negative");
        if (paths.Count == 0)
            throw new ArgumentException("argument \"arg\" is required");
        var cat = new CatFiles(offset, length);
        try
        {
            foreach (var path in paths)
            {
                var fetch = daemon.OpenFetch(ContentEndpoints.RootOf(path));
                cat._fetches.Add(fetch);
                var cid = await fetch.Exporter.ResolveAsync(path, ct);
                var info = await fetch.Exporter.StatAsync(cid, ct);
                cat._files.Add((fetch.Exporter, cid, (long)info.Size));
            }
            return cat;
        }
        catch
        {
            await cat.DisposeAsync();
            throw;
        }
    }

    public async Task WriteAsync(Stream output, CancellationToken ct)
    {
        foreach (var (index, skip, take) in ConcatenatedRange.Parts([.. _files.Select(f => f.Size)], _offset, _length))
            await _files[index].Exporter.WriteFileAsync(_files[index].Cid, output, skip, take, null, ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var fetch in _fetches)
            await fetch.DisposeAsync();
    }
}
