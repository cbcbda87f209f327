using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// The daemon's local channel: a Unix socket in the repo (<see cref="FileName"/>, mode 0600) on which a CLI of the
/// same uid hands over its descriptors (stdout for cat, the temp file for get, the input for add) and the daemon reads
/// or writes them itself, so the bytes never cross a loopback HTTP connection and the CLI just waits. Capability-safe:
/// the daemon touches only what the caller had open, and a web page cannot reach a Unix socket. A socket left by a
/// daemon that died is replaced at start (the repo lock says no other daemon runs); it is removed on a clean stop.
/// </summary>
public sealed class LocalChannel : IAsyncDisposable
{
    public const string FileName = "daemon.sock";

    /// <summary>Connections served at once; more wait in the listen backlog.</summary>
    private const int MaxConnections = 64;

    private readonly Socket _listener;
    private readonly Daemon _daemon;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly Task _accepting;

    /// <summary>The connections being served, closed under their sessions if these outlive the stop's grace.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Socket, byte> _open = new();

    private LocalChannel(Socket listener, string path, Daemon daemon, ILogger logger)
    {
        _listener = listener;
        Path = path;
        _daemon = daemon;
        _logger = logger;
        _accepting = AcceptAsync();
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>The path of the channel of the repo at <paramref name="repoPath"/>.</summary>
    public static string PathFor(string repoPath) => System.IO.Path.Join(repoPath, FileName);

    /// <summary>
    /// Starts listening, or returns null (one log line) where it cannot: not 64-bit Linux, or a repo path too long for
    /// a socket address (108 bytes). The CLI then uses HTTP, as with a daemon that has no channel.
    /// </summary>
    public static LocalChannel? TryStart(Daemon daemon, string repoPath, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || !UnixRights.Supported)
            return null;
        var path = PathFor(repoPath);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            File.Delete(path);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
            return new LocalChannel(listener, path, daemon, logger);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            logger.LogWarning("Local channel unavailable ({Error}): the CLI will use the HTTP API", e.Message);
            listener.Dispose();
            return null;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                await _slots.WaitAsync(_stop.Token);
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                    return;
                _slots.Release();
                continue;
            }
            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        _open.TryAdd(connection, 0);
        try
        {
            await new LocalSession(connection, _daemon, _logger).RunAsync(_stop.Token);
        }
        finally
        {
            _open.TryRemove(connection, out _);
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException e)
        {
            _logger.LogWarning("Could not delete {Path}: {Error}", Path, e.Message);
        }
        await _accepting;
        // Sessions end through the cancelled token; they get the HTTP API's grace (the daemon stops both at once),
        // then their sockets are closed under them, so a CLI still waiting hears at once that the daemon went.
        using var grace = new CancellationTokenSource(Http.LoopbackWebHost.StopGrace);
        try
        {
            for (var i = 0; i < MaxConnections; i++)
                await _slots.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            foreach (var connection in _open.Keys)
                connection.Dispose();
        }
    }
}
