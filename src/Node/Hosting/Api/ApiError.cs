using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's RPC error body, <c>{"Message", "Code", "Type": "error"}</c>, plus <c>Kind</c> (the <see cref="ErrorKind"/>'s
/// name) so the CLI exits with the very code it would have without a daemon. The status, the code and the exit
/// code all come from <see cref="ErrorTable"/>; the message is the error's sentence, never a .NET type name.
/// A 500 is logged once, with its stack, when the answer is written.
/// </summary>
public static class ApiError
{
    /// <summary>The logger category of the API's 500s.</summary>
    public const string LogCategory = "P2P.Node.Hosting.Api";

    public static IResult BadRequest(string message) => Of(ErrorKind.BadInput, message);

    public static IResult NotFound(string message) => Of(ErrorKind.NotFound, message);

    public static IResult Of(ErrorKind kind, string sentence) => new Answer(new UserError(kind, sentence), null);

    /// <summary>The answer for an exception an endpoint threw (see <see cref="ErrorClassifier"/>).</summary>
    public static IResult From(Exception e, bool interrupted = false) => new Answer(ErrorClassifier.Classify(e, interrupted), e);

    /// <summary>The JSON body for <paramref name="error"/>, with kubo's field names as written.</summary>
    public static object Body(UserError error) =>
        new { Message = error.Sentence, Code = error.Row.KuboCode, Type = "error", Kind = error.Kind.ToString() };

    /// <summary>Writes <paramref name="error"/> as the whole answer (for middleware, which has no endpoint result to return).</summary>
    public static Task WriteAsync(HttpContext context, UserError error, Exception? cause = null) =>
        new Answer(error, cause).ExecuteAsync(context);

    private sealed class Answer(UserError error, Exception? cause) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if (context.Response.HasStarted)
                return StreamError.WriteAsync(context, error, cause);
            if (error.IsServerFault)
            {
                var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(LogCategory);
                logger?.LogError(cause, "{Method} {Path} failed: {Sentence}", context.Request.Method, context.Request.Path.Value, error.Sentence);
            }
            // Without ApiJson's options ASP.NET camel-cases the names; kubo's clients, the CLI and the dashboard read "Message".
            return Results.Json(Body(error), ApiJson.Options, statusCode: error.Row.HttpStatus).ExecuteAsync(context);
        }
    }
}
