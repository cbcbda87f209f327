using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// An error after a streamed answer began (cat, get, add or pin add with progress): the status line is gone, so
/// it goes where kubo puts it, the <c>X-Stream-Error</c> trailer (plus <c>X-Stream-Error-Kind</c>, the
/// <see cref="ErrorKind"/>, so the CLI exits with the code it would offline). The body ends cleanly after it, and
/// the daemon logs one line, not a stack trace, unless the error is the daemon's own fault.
/// </summary>
public static class StreamError
{
    public const string Trailer = "X-Stream-Error";
    public const string KindTrailer = "X-Stream-Error-Kind";

    /// <summary>A client's name for its request, under which an error that cut the answer is kept for it to ask.</summary>
    public const string RequestIdHeader = "X-P2P-Request-Id";

    private const int Kept = 256;

    /// <summary>
    /// Kestrel sends no trailers over HTTP/1.1 (only HTTP/2), and the CLI speaks HTTP/1.1: there the connection is
    /// cut and the error kept here, by the request id the client chose, for `p2p/stream-error` to return. Static
    /// because ids are client-chosen GUIDs, unique across daemons in one process; bounded, oldest dropped first.
    /// Guarded by its own lock.
    /// </summary>
    private static readonly Dictionary<string, UserError> Recent = [];
    private static readonly Queue<string> Order = new();
    private static readonly Lock RecentLock = new();

    /// <summary>The error that cut the answer to request <paramref name="id"/>, if any (each is returned once).</summary>
    public static UserError? Take(string id)
    {
        lock (RecentLock)
            return Recent.Remove(id, out var error) ? error : null;
    }

    private static void Keep(string id, UserError error)
    {
        lock (RecentLock)
        {
            if (!Recent.TryAdd(id, error))
                return;
            Order.Enqueue(id);
            while (Order.Count > Kept)
                Recent.Remove(Order.Dequeue());
        }
    }

    /// <summary>Declares the trailers before a streamed answer starts, as kubo does, so clients know to read them.</summary>
    public static void Declare(HttpResponse response)
    {
        if (!response.HasStarted && response.SupportsTrailers())
        {
            response.DeclareTrailer(Trailer);
            response.DeclareTrailer(KindTrailer);
        }
    }

    /// <summary>Ends a started answer with <paramref name="error"/>; cuts the connection when trailers cannot be sent.</summary>
    public static Task WriteAsync(HttpContext context, UserError error, Exception? cause)
    {
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(ApiError.LogCategory);
        if (error.IsServerFault)
            logger?.LogError(cause, "{Method} {Path} failed after its answer began: {Sentence}", context.Request.Method, context.Request.Path.Value, error.Sentence);
        else
            logger?.LogInformation("{Method} {Path} ended early: {Sentence}", context.Request.Method, context.Request.Path.Value, error.Sentence);
        if (!context.Response.SupportsTrailers())
        {
            if (context.Request.Headers[RequestIdHeader].FirstOrDefault() is { Length: > 0 and <= 64 } id)
                Keep(id, error);
            context.Abort();
            return Task.CompletedTask;
        }
        // Trailer values are header values: one line.
        context.Response.AppendTrailer(Trailer, error.Sentence.ReplaceLineEndings(" "));
        context.Response.AppendTrailer(KindTrailer, error.Kind.ToString());
        return Task.CompletedTask;
    }
}
