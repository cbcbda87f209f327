using System.Net.Sockets;
using System.Text.Json;
using P2P.Node.Errors;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Local;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// The CLI's end of the daemon's local channel (<see cref="LocalChannel"/>): one request sent with one of this
/// process's descriptors attached; the daemon reads or writes it and this process only waits for the answer's
/// frames. <see cref="TryRun"/> says false when there is no channel to use (not 64-bit Linux, no socket, a daemon of
/// another uid or version), and the command then goes through HTTP as before, so nothing a user runs breaks.
/// </summary>
internal static class LocalChannelClient
{
    /// <summary>
    /// Whether the daemon seems to have a channel (its socket exists on a platform that can pass descriptors), so a
    /// command need not set up what only the channel uses; <see cref="TryRun"/> may still find it does not answer.
    /// P2P_NO_LOCAL_CHANNEL=1 keeps to HTTP (tests of that path, and a way out should the channel misbehave).
    /// </summary>
    public static bool Available(DaemonClient daemon) =>
        UnixRights.Supported && Environment.GetEnvironmentVariable("P2P_NO_LOCAL_CHANNEL") != "1"
        && File.Exists(LocalChannel.PathFor(daemon.RepoPath));

    /// <summary>
    /// Runs <paramref name="request"/> with <paramref name="fd"/> passed to the daemon; <paramref name="onFrame"/> gets
    /// each progress or result frame. False when the daemon has no usable channel (nothing was done); throws the
    /// daemon's error as the same <see cref="P2PException"/> the HTTP path throws, or the reader-gone exit.
    /// </summary>
    public static bool TryRun(DaemonClient daemon, LocalRequest request, int fd, Action<JsonElement>? onFrame, CancellationToken ct)
    {
        if (!Available(daemon))
            return false;
        var path = LocalChannel.PathFor(daemon.RepoPath);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // Blocking connect, sends and receives only: this process does nothing else while the daemon works.
            socket.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // A socket left by a daemon that died, or one we may not open: HTTP it is.
            return false;
        }
        if (daemon.RequestTimeout is { } timeout)
            request = request with { Timeout = GoDuration.Format(timeout) };
        // Cancelling (Ctrl-C, the CLI's own --timeout backstop) closes the socket: the daemon sees it and stops.
        using var cancel = ct.Register(static s => ((Socket)s!).Dispose(), socket);
        try
        {
            UnixRights.Send(socket, LocalFrames.Encode(request), [fd]);
            while (LocalFrames.Read(socket) is { } frame)
            {
                if (frame.TryGetProperty("End", out _))
                    return true;
                if (frame.TryGetProperty("Unsupported", out _))
                    return false;
                if (frame.TryGetProperty("ReaderGone", out _))
                    throw new CliException("the reader of standard output went away", ExitCodes.ReaderGone);
                if (frame.TryGetProperty("Message", out var message))
                {
                    var kind = frame.TryGetProperty("Kind", out var k) ? ErrorTable.Parse(k.GetString()) : null;
                    throw new P2PException(kind ?? ErrorKind.Internal, message.GetString() ?? "the daemon ended the answer with an error");
                }
                onFrame?.Invoke(frame);
            }
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is SocketException or ObjectDisposedException or InvalidDataException)
        {
            throw new OperationCanceledException("the request was cancelled", e, ct);
        }
        catch (Exception e) when (e is SocketException or InvalidDataException or JsonException)
        {
            throw new P2PException(ErrorKind.Unavailable, $"the daemon's local channel failed: {e.Message}", e);
        }
        throw new P2PException(ErrorKind.Unavailable, "the daemon closed the connection before the answer was complete");
    }
}
