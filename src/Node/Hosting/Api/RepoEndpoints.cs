using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Multiformats;
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
            var cids = ApiJson.Args(request).Select(ParseCid).ToList();
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
            foreach (var cid in ApiJson.Args(request).Select(ParseCid))
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
            var data = await daemon.Exchange.GetBlockAsync(ParseCid(ApiJson.Arg(context.Request)), ct);
            return Results.Bytes(data, "application/octet-stream");
        }));
        api.MapPost("/block/stat", (HttpRequest request) => ApiJson.Guard(() =>
        {
            var cid = ParseCid(ApiJson.Arg(request));
            var size = local.Blocks.GetSize(cid);
            return Task.FromResult(size < 0 ? ApiError.NotFound($"block {cid} is not in the repo") : ApiJson.Ok(new { Key = cid.ToString(), Size = size }));
        }));
        api.MapPost("/block/put", (HttpRequest request, CancellationToken ct) => ApiJson.Guard(async () =>
        {
            var data = await ReadBlockAsync(request, ct);
            var multihash = request.Query["mhtype"].FirstOrDefault() == "blake3" ? Multihash.Blake3(data) : Multihash.Sha256(data);
            var cid = Cid.V1(request.Query["cid-codec"].FirstOrDefault() == "dag-pb" ? Multicodec.DagPb : Multicodec.Raw, multihash);
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

    /// <summary>The block from a raw body or the first part of a multipart body, refusing more than the cap.</summary>
    private static async Task<byte[]> ReadBlockAsync(HttpRequest request, CancellationToken ct)
    {
        var body = request.Body;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            body = form.Files.Count > 0 ? form.Files[0].OpenReadStream() : throw new ArgumentException("multipart body has no file");
        }
        var buffer = new byte[MaxBlockSize + 1];
        var n = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (n > MaxBlockSize)
            throw new ArgumentException($"block is larger than {MaxBlockSize} bytes; use add for files");
        return buffer[..n];
    }

    private static Cid ParseCid(string text) =>
        Cid.TryParse(text, out var cid, out var error) ? cid! : throw new FormatException($"invalid CID '{text}': {error}");
}
