using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace P2P.Node.Hosting.Api;

/// <summary>JSON as kubo's RPC writes it: PascalCase field names as given, one object per line when streaming.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static IResult Ok(object value) => Results.Json(value, Options);

    /// <summary>Writes one line of newline-delimited JSON and flushes it, for streamed answers (add, findprovs).</summary>
    public static async Task WriteLineAsync(HttpResponse response, object value, CancellationToken ct)
    {
        if (!response.HasStarted)
            response.ContentType = "application/x-ndjson";
        await response.WriteAsync(JsonSerializer.Serialize(value, Options) + "\n", ct);
        await response.Body.FlushAsync(ct);
    }

    /// <summary>The required <c>arg</c> query parameter (kubo passes positional arguments as <c>?arg=</c>).</summary>
    public static string Arg(HttpRequest request) =>
        request.Query["arg"].FirstOrDefault() is { Length: > 0 } arg ? arg : throw new ArgumentException("argument \"arg\" is required");

    public static IReadOnlyList<string> Args(HttpRequest request)
    {
        var args = request.Query["arg"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList();
        return args.Count > 0 ? args : throw new ArgumentException("argument \"arg\" is required");
    }

    public static bool Flag(HttpRequest request, string name, bool fallback) =>
        request.Query[name].FirstOrDefault() is { } text ? text is "" or "true" or "1" : fallback;

    public static long? Long(HttpRequest request, string name) =>
        request.Query[name].FirstOrDefault() is { Length: > 0 } text
            ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"{name} must be a number")
            : null;

    /// <summary>
    /// Runs a handler and turns its exceptions into kubo-style error answers (<see cref="ApiError.From"/>). A
    /// cancellation goes on up: the client left or the daemon stops, and <see cref="ApiServer"/>'s last-resort
    /// handler tells the two apart.
    /// </summary>
    public static async Task<IResult> Guard(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ApiError.From(e);
        }
    }
}
