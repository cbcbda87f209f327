using System.Formats.Tar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.UnixFs;
using P2P.Node.Hosting.Http;
using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// `get`: kubo streams the file or tree as a tar archive, named by the argument's last segment (the CID for a bare
/// CID). Files are streamed from the exporter as they are fetched; directories become directory entries and
/// their children follow depth first, so memory is one listing per level, never the content.
/// </summary>
public static class GetEndpoint
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        // p2p's: why a streamed answer (cat, get) was cut, for a client on HTTP/1.1, which gets no trailers (StreamError).
        api.MapPost("/p2p/stream-error", (HttpRequest request) =>
            StreamError.Take(ApiJson.Arg(request)) is { } error ? ApiJson.Ok(ApiError.Body(error)) : ApiJson.Ok(new { }));
        api.MapPost("/get", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var path = ApiJson.Arg(context.Request);
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var rootText = segments.Length > 0 && segments[0] == "ipfs" ? segments.Skip(1).FirstOrDefault() : segments.FirstOrDefault();
            if (rootText is null || !Cid.TryParse(rootText, out var root, out var error))
                throw new FormatException($"'{path}' does not start with a valid CID");
            await using var fetch = daemon.OpenFetch(root!);
            var cid = await fetch.Exporter.ResolveAsync(path, ct);
            var info = await fetch.Exporter.StatAsync(cid, ct);
            context.Response.ContentType = "application/x-tar";
            StreamError.Declare(context.Response);
            // Paced by what the client reads, and stopped at the next write once it has gone (ResponseBodyStream).
            var body = new ResponseBodyStream(context.Response.BodyWriter, ct, ApiServer.ResponseBufferSize);
            await using var tar = new TarWriter(body, TarEntryFormat.Pax, leaveOpen: true);
            await WriteAsync(tar, fetch.Exporter, cid, info, segments[^1], ct);
            return Results.Empty;
        }));
    }

    private static async Task WriteAsync(TarWriter tar, UnixFsExporter exporter, Cid cid, UnixFsNodeInfo info, string name, CancellationToken ct)
    {
        switch (info.Type)
        {
            case UnixFsType.Directory:
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 }, ct);
                foreach (var entry in await exporter.ListAsync(cid, resolveChildren: false, ct))
                {
                    // Names come from the network: TreeExport's rule applies here too, nothing that climbs out.
                    if (entry.Name is "" or "." or ".." || entry.Name.Contains('/') || entry.Name.Contains('\0'))
                        throw new InvalidDataException($"directory {cid} has an unsafe entry name '{entry.Name}'");
                    await WriteAsync(tar, exporter, entry.Cid, await exporter.StatAsync(entry.Cid, ct), $"{name}/{entry.Name}", ct);
                }
                break;
            case UnixFsType.Symlink:
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = info.SymlinkTarget ?? "" }, ct);
                break;
            default:
                await using (var data = new FileReadStream(exporter, cid, info.Size, ct))
                {
                    var file = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0b110_100_100, DataStream = data };
                    await tar.WriteEntryAsync(file, ct);
                }
                break;
        }
    }
}
