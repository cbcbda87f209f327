using P2P.Node.Content.Car;
using P2P.Node.Hosting.Api;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// `block get` and `dag export` to the passed descriptor (the CLI's stdout): the HTTP endpoints' steps (the block
/// through the exchange; the export's root fetched before the first byte, then the CAR through one fetch session, its
/// small prefixes joined in a 16 KiB buffer), written by the daemon instead of sent as an answer.
/// </summary>
internal static class LocalBlocks
{
    public static async Task BlockGetAsync(Daemon daemon, LocalRequest request, DescriptorStream output, CancellationToken ct)
    {
        var data = await daemon.Exchange.GetBlockAsync(ApiCids.Parse(OneArgument(request)), ct);
        await output.WriteAsync(data, ct);
    }

    public static async Task DagExportAsync(Daemon daemon, LocalRequest request, DescriptorStream output, CancellationToken ct)
    {
        var root = ApiCids.Parse(OneArgument(request));
        await using var fetch = daemon.OpenFetch(root);
        await fetch.Blocks.GetBlockAsync(root, ct);
        await using var buffered = new BufferedStream(output, Gateway.GatewayHandler.CarPrefixBuffer);
        await new CarExporter(fetch.Blocks).ExportAsync(root, buffered, ct);
        await buffered.FlushAsync(ct);
    }

    private static string OneArgument(LocalRequest request) =>
        request.Args is [var only] ? only : throw new ArgumentException("argument \"cid\" is required, once");
}
