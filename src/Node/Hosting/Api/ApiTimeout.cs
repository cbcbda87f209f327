using Microsoft.AspNetCore.Http;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's global <c>timeout</c> parameter (a Go duration): the request's <see cref="HttpContext.RequestAborted"/> is
/// replaced by one that also fires after it, so every endpoint stops through the token it already honours, and
/// the answer says it timed out (<see cref="FetchTimeout"/>, the CLI's own sentence): an error body, or the
/// stream-error trailer once the answer began.
/// </summary>
public static class ApiTimeout
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var text = context.Request.Query["timeout"].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            await next(context);
            return;
        }
        if (!GoDuration.TryParse(text, out var timeout))
        {
            await ApiError.WriteAsync(context, new UserError(ErrorKind.BadInput, $"invalid timeout '{text}': use a duration such as 30s or 2m"));
            return;
        }
        var client = context.RequestAborted;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(client);
        timer.CancelAfter(timeout);
        context.RequestAborted = timer.Token;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !client.IsCancellationRequested)
        {
            var error = ErrorClassifier.Classify(FetchTimeout.Exception(timeout));
            if (context.Response.HasStarted)
                await StreamError.WriteAsync(context, error, e);
            else
                await ApiError.WriteAsync(context, error);
        }
        finally
        {
            context.RequestAborted = client;
        }
    }
}
