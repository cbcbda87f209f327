namespace P2P.Node.Hosting.Local;

/// <summary>
/// `cat` on the local channel (and `get` of a file, which is a cat into the descriptor of the CLI's temp file): the
/// HTTP API's /cat (<see cref="CatFiles"/>), written to the passed descriptor instead of a response.
/// </summary>
internal static class LocalCat
{
    public static async Task RunAsync(Daemon daemon, LocalRequest request, DescriptorStream output, FrameSender frames, CancellationToken ct)
    {
        await using var cat = await CatFiles.OpenAsync(daemon, request.Args, request.Offset, request.Length, ct);
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
        await cat.WriteAsync(output, ct);
        await frames.FinishProgressAsync();
    }
}
