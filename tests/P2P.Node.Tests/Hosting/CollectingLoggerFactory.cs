using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Tests.Hosting;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every entry at warning or above, for assertions on what was logged.</summary>
public sealed class CollectingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public int Count(Func<string, bool> match) => Entries.Count(e => match(e.Message));

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
