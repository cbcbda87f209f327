using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace P2P.Node.Hosting.Api;

/// <summary>`stats/bw` (kubo's TotalIn, TotalOut, RateIn, RateOut: block bytes through the exchange) and `repo/version`.</summary>
public static class StatsEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/stats/bw", () =>
        {
            var bw = daemon.Bandwidth.Current();
            return ApiJson.Ok(new { bw.TotalIn, bw.TotalOut, bw.RateIn, bw.RateOut });
        });
        api.MapPost("/repo/version", () => ApiJson.Ok(new { Version = daemon.Local.Stat().Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
    }
}
