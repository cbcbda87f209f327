using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using P2P.Node.Errors;
using P2P.Node.Hosting.Api;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Errors;

/// <summary>The API's error answers: kubo's body with p2p's Kind, the table's status, and each 500 logged once.</summary>
public sealed class ApiErrorTests
{
    private readonly RecordingLoggers _loggers = new();

    [Fact]
    public async Task From_ANotFound_IsA404WithKubosBodyAndTheKind()
    {
        var cid = Cid.Parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
        var (status, body) = await RunAsync(ApiError.From(new BlockNotFoundException(cid)));
        Assert.Equal(404, status);
        Assert.Equal($"block {cid} is not in the repo and could not be fetched", body.GetProperty("Message").GetString());
        Assert.Equal(0, body.GetProperty("Code").GetInt32());
        Assert.Equal("error", body.GetProperty("Type").GetString());
        Assert.Equal("NotFound", body.GetProperty("Kind").GetString());
        Assert.Empty(_loggers.Errors);
    }

    [Fact]
    public async Task From_AFileNotFound_IsA404_NotA500()
    {
        var (status, body) = await RunAsync(ApiError.From(new FileNotFoundException("no link named 'x' under bafy")));
        Assert.Equal(404, status);
        Assert.Equal("no link named 'x' under bafy", body.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task From_ABadArgument_IsA400WithKubosClientCode()
    {
        var (status, body) = await RunAsync(ApiError.From(new FormatException("invalid CID 'x': too short")));
        Assert.Equal(400, status);
        Assert.Equal(1, body.GetProperty("Code").GetInt32());
        Assert.Equal("BadInput", body.GetProperty("Kind").GetString());
    }

    [Fact]
    public async Task From_ABug_IsA500WithoutTheTypeName_LoggedOnceWithTheException()
    {
        var bug = new InvalidOperationException("the planner lost a want");
        var (status, body) = await RunAsync(ApiError.From(bug));
        Assert.Equal(500, status);
        Assert.Equal("internal error: the planner lost a want", body.GetProperty("Message").GetString());
        Assert.Equal(2, body.GetProperty("Code").GetInt32());
        var logged = Assert.Single(_loggers.Errors);
        Assert.Same(bug, logged);
    }

    [Theory]
    [InlineData(ErrorKind.Unavailable)]
    [InlineData(ErrorKind.Corrupt)]
    [InlineData(ErrorKind.NotFound)]
    public async Task Of_AKindThatIsNotA500_IsNotLogged(ErrorKind kind)
    {
        var (status, _) = await RunAsync(ApiError.Of(kind, "a sentence"));
        Assert.Equal(ErrorTable.For(kind).HttpStatus, status);
        Assert.Empty(_loggers.Errors);
    }

    private async Task<(int Status, JsonElement Body)> RunAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new Services(_loggers) };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        using var document = JsonDocument.Parse(body.ToArray());
        return (context.Response.StatusCode, document.RootElement.Clone());
    }

    private sealed class Services(ILoggerFactory loggers) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(ILoggerFactory) ? loggers : null;
    }

    /// <summary>Keeps the exception of every Error-level entry, whatever the category.</summary>
    private sealed class RecordingLoggers : ILoggerFactory, ILogger
    {
        public List<Exception?> Errors { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                lock (Errors)
                    Errors.Add(exception);
            }
        }
    }
}
