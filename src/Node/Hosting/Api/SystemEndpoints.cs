using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace P2P.Node.Hosting.Api;

/// <summary>`version` and `shutdown`, as kubo answers them.</summary>
public static class SystemEndpoints
{
    public static void Map(RouteGroupBuilder api, Daemon daemon)
    {
        api.MapPost("/version", () => ApiJson.Ok(NodeVersion.Current()));
        api.MapPost("/shutdown", (HttpContext context) =>
        {
            // After the answer is out, so the caller sees 200 before the API goes away (kubo answers, then stops).
            context.Response.OnCompleted(() =>
            {
                daemon.RequestShutdown();
                return Task.CompletedTask;
            });
            return Results.Ok();
        });
    }
}
