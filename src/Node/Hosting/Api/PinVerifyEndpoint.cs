using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using P2P.Node.Content.Verifying;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// <c>/api/v0/pin/verify</c> as kubo answers it: newline-delimited <c>{Cid, Ok, BadNodes:[{Cid, Err}]}</c>, one line per
/// pin with a problem, and one per sound pin too with <c>verbose=true</c>. Lines go out as each pin is checked, so a
/// client sees progress on a large repo; <see cref="LocalContent.VerifyPins"/> does the check, as for the offline CLI.
/// </summary>
public static class PinVerifyEndpoint
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        var local = daemon.Local;
        api.MapPost("/pin/verify", async (HttpContext context, CancellationToken ct) =>
        {
            var verbose = ApiJson.Flag(context.Request, "verbose", false);
            context.Response.ContentType = "application/x-ndjson";
            foreach (var status in local.VerifyPins(ct))
            {
                if (status.Ok && !verbose)
                    continue;
                await ApiJson.WriteLineAsync(context.Response, ToJson(status), ct);
            }
        });
    }

    /// <summary>kubo's PinVerifyRes field names; the CLI reads the same shape back.</summary>
    public static object ToJson(PinStatus status) => status.Ok
        ? new { Cid = status.Cid.ToString(), Ok = true }
        : new { Cid = status.Cid.ToString(), Ok = false, BadNodes = status.BadNodes.Select(b => new { Cid = b.Cid.ToString(), Err = b.Error }).ToArray() };
}
