using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Api;

/// <summary>`pin/*`, `block/*` and `repo/*`, with kubo's field names.</summary>
public static class RepoEndpoints
{
    /// <summary>kubo's cap on one block put through the API (and the exchange's block cap).</summary>
    private const int MaxBlockSize = 2 * 1024 * 1024;

    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var local = daemon.Local;
        api.MapPost("/pin/add", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var request = context.Request;
            var recursive = ApiJson.Flag(request, "recursive", true);
            var cids = ApiJson.Args(request).Select(ApiCids.Parse).ToList();
            var pinned = new List<string>();
            // kubo's progress=true: {"Progress": blocks so far} lines, then {"Pins": [...]}, as ndjson.
            await using var progress = ApiJson.Flag(request, "progress", false) ? new ProgressLines(context.Response, daemon.Time, ct) : null;
            foreach (var cid in cids)
            {
                await daemon.PinAsync(cid, recursive, ct, progress?.Blocks());
                pinned.Add(cid.ToString());
            }
            if (progress is null)
                return ApiJson.Ok(new { Pins = pinned });
            await progress.WriteAsync(new { Pins = pinned });
            return Results.Empty;
        }));
        api.MapPost("/pin/rm", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var removed = new List<string>();
            foreach (var cid in ApiJson.Args(request).Select(ApiCids.Parse))
            {
                if (!local.Unpin(cid))
                    return Task.FromResult(ApiError.NotFound($"{cid} is not pinned"));
                removed.Add(cid.ToString());
            }
            return Task.FromResult(ApiJson.Ok(new { Pins = removed }));
        }));
        api.MapPost("/pin/ls", (HttpRequest request) =>
        {
            var wanted = request.Query["type"].FirstOrDefault() ?? "all";
            var keys = new Dictionary<string, object>();
            foreach (var pin in local.Pins())
            {
                var kind = pin.Kind == PinKind.Recursive ? "recursive" : "direct";
                if (wanted == "all" || wanted == kind)
                    keys[pin.Cid.ToString()] = new { Type = kind };
            }
            return ApiJson.Ok(new { Keys = keys });
        });
        api.MapPost("/block/get", (HttpContext context, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var data = await daemon.Exchange.GetBlockAsync(ApiCids.Parse(ApiJson.Arg(context.Request)), ct);
            return Results.Bytes(data, "application/octet-stream");
        }));
        api.MapPost("/block/stat", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var cid = ApiCids.Parse(ApiJson.Arg(request));
            var size = local.Blocks.GetSize(cid);
            return Task.FromResult(size < 0 ? ApiError.NotFound($"block {cid} is not in the repo") : ApiJson.Ok(new { Key = cid.ToString(), Size = size }));
        }));
        api.MapPost("/block/put", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            // The flags are checked before the body is read, as the CLI checks them before it reads its input.
            var flags = new BlockPutFlags
            {
                CidCodec = request.Query["cid-codec"].FirstOrDefault(),
                Format = request.Query["format"].FirstOrDefault() ?? request.Query["f"].FirstOrDefault(),
                MhType = request.Query["mhtype"].FirstOrDefault(),
                MhLength = (int)Math.Clamp(ApiJson.Long(request, "mhlen") ?? -1, int.MinValue, int.MaxValue),
            };
            flags.Prefix();
            var data = await ReadBlockAsync(request, ct);
            var cid = flags.CidOf(data);
            local.PutBlock(cid, data);
            return ApiJson.Ok(new { Key = cid.ToString(), Size = data.Length });
        }));
        api.MapPost("/repo/stat", () =>
        {
            var s = local.Stat();
            return ApiJson.Ok(new
            {
                NumObjects = s.BlockCount, RepoSize = s.DiskBytes, BlockSize = s.TotalBytes, ScratchSize = s.ScratchBytes,
                Pins = s.PinCount, RepoPath = s.Path, Version = s.Version, SyncPolicy = s.SyncPolicy.ToString(),
                // kubo's cap (Datastore.StorageMax); p2p has none, so the most the repo can grow to: what it uses plus the disk's free space.
                StorageMax = s.DiskBytes + FreeSpace(s.Path),
            });
        });
        api.MapPost("/repo/verify", (CancellationToken ct) =>
        {
            var result = local.Verify(ct);
            return ApiJson.Ok(new
            {
                result.Checked,
                Corrupted = result.Corrupted.Select(c => c.ToString()).ToArray(),
                Unreadable = result.Unreadable.Select(u => u.ToString()).ToArray(),
                Missing = result.Missing.Select(m => m.ToString()).ToArray(),
                Lost = result.Lost.Select(l => l.ToString()).ToArray(),
                PinsError = local.Repo.Pins.Problem,
            });
        });
        api.MapPost("/repo/gc", (CancellationToken ct) =>
        {
            var result = local.CollectGarbage(ct);
            // A key `dht provide` scheduled for republishing stops with its block.
            foreach (var removed in result.Removed)
                daemon.Host.Dht.StopProviding(removed.Multihash.Bytes.ToArray());
            return ApiJson.Ok(new
            {
                Removed = result.Removed.Select(c => c.ToString()).ToArray(),
                result.BytesFreed,
                result.Kept,
                Repaired = result.Repaired.ToArray(),
                Damaged = result.Damaged.Select(d => d.ToString()).ToArray(),
                Missing = result.Missing.Select(m => m.ToString()).ToArray(),
                result.Shortfall,
            });
        });
    }

    /// <summary>
    /// The block from a raw body or the first part of a multipart body, refusing more than the cap. The part is read
    /// whatever its disposition: kubo-rpc-client names it <c>file</c> with an empty filename, which a form reader
    /// would take for a text field rather than a file.
    /// </summary>
    private static async Task<byte[]> ReadBlockAsync(HttpRequest request, CancellationToken ct)
    {
        var body = request.Body;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).Value!, request.Body);
            body = (await reader.ReadNextSectionAsync(ct))?.Body ?? throw new ArgumentException("multipart body has no block");
        }
        var buffer = new byte[MaxBlockSize + 1];
        var n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxBlockSize)
            throw new ArgumentException($"block is larger than {MaxBlockSize} bytes; use add for files");
        return buffer[..n];
    }

    private static long FreeSpace(string path)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

}
