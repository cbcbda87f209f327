using System.Globalization;
using P2P.Node.Content.Importing;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// `add` of one input (a regular file or stdin) on the local channel, read from the passed descriptor: the HTTP
/// API's multipart add with one part (the same <see cref="LocalContent.AddUploadAsync"/>, so -w, pinning, naming an
/// unnamed stdin by its CID and the lines printed are those of the HTTP path), then announced as over HTTP.
/// </summary>
internal static class LocalAdd
{
    public static async Task RunAsync(Daemon daemon, LocalRequest request, DescriptorStream input, FrameSender frames, CancellationToken ct)
    {
        // --only-hash never reaches a daemon (the CLI hashes offline); refuse to store nothing silently.
        var flags = (request.Flags ?? new KuboAddFlags()) with { OnlyHash = false };
        var options = ImportOptionsBuilder.Build(flags);
        // kubo's progress events, each the latest running count of one entry, in the order the entries began.
        var board = new ProgressBoard();
        if (request.Progress)
            frames.StartProgress(() => board.TakePending().Select(line => new { Line = line }));
        var stored = new StoredBlocks();
        var units = await daemon.Local.AddUploadAsync(
            upload => upload.AddFileAsync(request.Name, input), options, request.Wrap, request.Pin, stored,
            name => request.Progress ? board.Add(bytes => new { Name = name ?? "", Bytes = bytes }) : null, ct);
        await frames.FinishProgressAsync();
        foreach (var entries in units)
        {
            await daemon.AnnounceAddedAsync(entries[^1].Cid, stored, ct);
            foreach (var entry in entries)
                await frames.SendAsync(new { Line = new { Name = entry.Path, Hash = entry.Cid.ToString(), Size = entry.Size.ToString(CultureInfo.InvariantCulture) } });
        }
    }
}
