using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// The API's last resort: an exception no endpoint turned into an answer (one outside <see cref="ApiJson.Guard"/>,
/// or a cancellation that was not the client's) still gets kubo's error body from the one error table, and a 500
/// is logged once. Without it Kestrel would answer an empty 500 and log it under its own category.
/// </summary>
public static class ApiFaults
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            if (context.Response.HasStarted)
            {
                // The status line is gone; a cut connection is all the client can still be told.
                var logger = (context.RequestServices.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger(ApiError.LogCategory);
                logger?.LogError(e, "{Method} {Path} failed after its answer began", context.Request.Method, context.Request.Path.Value);
                context.Abort();
                return;
            }
            await ApiError.WriteAsync(context, ErrorClassifier.Classify(e), e);
        }
    }
}
