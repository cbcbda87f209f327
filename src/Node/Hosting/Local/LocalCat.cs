using P2P.Node.Content.Exporting;
using P2P.Node.Hosting.Api;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// `cat` on the local channel (and `get` of a file, which is a cat into the descriptor of the CLI's temp file): the
/// HTTP API's /cat step for step (every path resolved and sized before the first byte, kubo's offset and length over
/// the files one after the other, one fetch session per root), writing to the passed descriptor instead of a response.
/// </summary>
internal static class LocalCat
{
    public static async Task RunAsync(Daemon daemon, LocalRequest request, DescriptorStream output, FrameSender frames, CancellationToken ct)
    {
        if (request.Offset < 0 || request.Length < 0)
            throw new ArgumentException("offset and length must not be negative");
        if (request.Args.Length == 0)
            throw new ArgumentException("argument \"ipfs-path\" is required");
        var fetches = new List<SwarmFetch>();
        try
        {
            var files = new List<(UnixFsExporter Exporter, Cid Cid, long Size)>();
            foreach (var path in request.Args)
            {
                var fetch = daemon.OpenFetch(ContentEndpoints.RootOf(path));
                fetches.Add(fetch);
                var cid = await fetch.Exporter.ResolveAsync(path, ct);
                var info = await fetch.Exporter.StatAsync(cid, ct);
                files.Add((fetch.Exporter, cid, (long)info.Size));
            }
            if (request.Progress)
            {
                var sent = 0L;
                frames.StartProgress(() =>
                {
                    var written = output.Written;
                    if (written == sent)
                        return [];
                    sent = written;
                    return [new { Written = written }];
                });
            }
            foreach (var (index, skip, take) in ConcatenatedRange.Parts([.. files.Select(f => f.Size)], request.Offset, request.Length))
                await files[index].Exporter.WriteFileAsync(files[index].Cid, output, skip, take, null, ct);
            await frames.FinishProgressAsync();
        }
        finally
        {
            foreach (var fetch in fetches)
                await fetch.DisposeAsync();
        }
    }
}
