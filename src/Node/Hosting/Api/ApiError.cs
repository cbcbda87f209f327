using System.Net;
using Microsoft.AspNetCore.Http;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's RPC error body (<c>{"Message", "Code", "Type": "error"}</c>) with an HTTP status the CLI maps back to its
/// exit codes: 400 a bad argument, 404 content not held, 422 content that failed verification, 500 anything else.
/// </summary>
public static class ApiError
{
    public static IResult BadRequest(string message) => Result(HttpStatusCode.BadRequest, message, 1);

    public static IResult NotFound(string message) => Result(HttpStatusCode.NotFound, message, 0);

    public static IResult From(Exception e) => e switch
    {
        BlockNotFoundException nf => NotFound(nf.Message),
        CorruptBlockException bad => Result(HttpStatusCode.UnprocessableEntity, bad.Message, 0),
        InvalidDataException bad => Result(HttpStatusCode.UnprocessableEntity, bad.Message, 0),
        Storage.RepoException { Reason: Storage.RepoErrorReason.Corrupt } bad => Result(HttpStatusCode.UnprocessableEntity, bad.Message, 0),
        FormatException or ArgumentException => BadRequest(e.Message),
        _ => Result(HttpStatusCode.InternalServerError, $"{e.GetType().Name}: {e.Message}", 0),
    };

    private static IResult Result(HttpStatusCode status, string message, int code) =>
        // kubo's field names as written: without ApiJson's options ASP.NET camel-cases them, and kubo's clients,
        // the CLI and the dashboard read "Message".
        Results.Json(new { Message = message, Code = code, Type = "error" }, ApiJson.Options, statusCode: (int)status);
}
