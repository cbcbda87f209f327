using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using P2P.Node.Errors;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// One connection on the local channel: the caller's uid checked, one request frame read with its descriptor, the
/// command run, and the outcome sent as the last frame (<c>End</c>, or kubo's <c>Message</c> with p2p's <c>Kind</c>,
/// or <c>ReaderGone</c> when the passed output was a pipe whose reader left). The work is cancelled when the CLI's end
/// closes (Ctrl-C, --timeout, kill). Every received descriptor is closed on every path, and nothing escapes: a bad
/// frame or caller drops the connection with one log line.
/// </summary>
internal sealed class LocalSession(Socket socket, Daemon daemon, ILogger logger)
{
    /// <summary>How long a connected caller may take to send its request before it is dropped.</summary>
    private static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken stopping)
    {
        var fds = new List<int>();
        try
        {
            var uid = UnixRights.PeerUid(socket);
            if (uid != UnixRights.OwnUid())
            {
                logger.LogWarning("Local channel: refused a connection from uid {Uid} (the daemon runs as uid {Own})", uid, UnixRights.OwnUid());
                // Said as "unsupported" so that such a caller (root, which the socket's mode does not stop) goes on
                // over HTTP, where the API's own checks apply, instead of failing; its request is never read.
                await using var refusal = new FrameSender(socket, daemon.Time, stopping);
                await refusal.SendAsync(new { Unsupported = "another uid" });
                return;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            deadline.CancelAfter(RequestDeadline);
            var (request, problem) = await ReadRequestAsync(fds, deadline.Token);
            if (request is null)
            {
                logger.LogWarning("Local channel: dropped a connection: {Problem}", problem);
                return;
            }
            await ServeAsync(request, fds, stopping);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The caller went away or the daemon is stopping: nothing to tell anyone.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Local channel: a connection failed");
        }
        finally
        {
            UnixRights.CloseAll(fds);
            socket.Dispose();
        }
    }

    /// <summary>The first frame and the descriptors sent with it; null and the reason when it is not a valid request.</summary>
    private async Task<(LocalRequest? Request, string Problem)> ReadRequestAsync(List<int> fds, CancellationToken ct)
    {
        var prefix = new byte[4];
        if (await FillAsync(prefix, fds, ct) is { } cut)
            return (null, cut);
        var length = LocalFrames.LengthOf(prefix);
        if (length < 0)
            return (null, "a request frame of an impossible length");
        var body = new byte[length];
        if (await FillAsync(body, fds, ct) is { } cutBody)
            return (null, cutBody);
        try
        {
            var request = JsonSerializer.Deserialize<LocalRequest>(body);
            return request is null ? (null, "an empty request") : (request, "");
        }
        catch (JsonException e)
        {
            return (null, $"a request that is not valid JSON ({e.Message})");
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; a problem sentence if the stream ended or the descriptors were refused.</summary>
    private async Task<string?> FillAsync(byte[] buffer, List<int> fds, CancellationToken ct)
    {
        var got = 0;
        while (got < buffer.Length)
        {
            // A zero-byte receive waits until data is readable; recvmsg then takes it without blocking.
            await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
            var n = UnixRights.ReceiveNow(socket, buffer.AsSpan(got), fds, LocalFrames.MaxDescriptors, out var truncated);
            if (truncated || fds.Count > LocalFrames.MaxDescriptors)
                return $"a request with more than {LocalFrames.MaxDescriptors} descriptor(s)";
            if (n == 0)
                return "the caller closed the connection before its request was complete";
            if (n > 0)
                got += n;
        }
        return null;
    }

    private async Task ServeAsync(LocalRequest request, List<int> fds, CancellationToken stopping)
    {
        // The timer is its own source so that a timeout is told apart from the caller leaving or the daemon stopping.
        using var timer = new CancellationTokenSource();
        using var work = CancellationTokenSource.CreateLinkedTokenSource(stopping, timer.Token);
        TimeSpan? timeout = null;
        await using var frames = new FrameSender(socket, daemon.Time, stopping);
        if (request.V != LocalFrames.Version || request.Op is not ("cat" or "add" or "block/get" or "dag/export"))
        {
            await frames.SendAsync(new { Unsupported = $"version {request.V} {request.Op}" });
            return;
        }
        if (fds.Count != 1)
        {
            await frames.SendAsync(Error(new UserError(ErrorKind.BadInput, $"{request.Op} needs exactly one descriptor")));
            return;
        }
        if (request.Timeout is { } text)
        {
            if (!GoDuration.TryParse(text, out var t))
            {
                await frames.SendAsync(Error(new UserError(ErrorKind.BadInput, $"invalid timeout '{text}': use a duration such as 30s or 2m")));
                return;
            }
            timeout = t;
            timer.CancelAfter(t);
        }
        _ = WatchCallerAsync(work);
        // From here the stream owns the descriptor and closes it, whatever happens.
        await using var stream = new DescriptorStream(fds[0], owns: true);
        fds.Clear();
        object outcome;
        try
        {
            await (request.Op switch
            {
                "cat" => LocalCat.RunAsync(daemon, request, stream, frames, work.Token),
                "add" => LocalAdd.RunAsync(daemon, request, stream, frames, work.Token),
                "block/get" => LocalBlocks.BlockGetAsync(daemon, request, stream, work.Token),
                _ => LocalBlocks.DagExportAsync(daemon, request, stream, work.Token),
            });
            outcome = new { End = true };
        }
        catch (OperationCanceledException) when (timeout is { } t && timer.IsCancellationRequested)
        {
            outcome = Error(ErrorClassifier.Classify(FetchTimeout.Exception(t)));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested && !timer.IsCancellationRequested)
        {
            logger.LogInformation("Local channel: {Op} stopped: the caller went away", request.Op);
            return;
        }
        catch (Exception e) when (IsBrokenPipe(e) && !work.IsCancellationRequested)
        {
            outcome = new { ReaderGone = true };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = ErrorClassifier.Classify(e);
            if (error.IsServerFault)
                logger.LogError(e, "Local channel: {Op} failed: {Sentence}", request.Op, error.Sentence);
            else
                logger.LogInformation("Local channel: {Op} ended early: {Sentence}", request.Op, error.Sentence);
            outcome = Error(error);
        }
        await frames.SendAsync(outcome);
    }

    /// <summary>Cancels <paramref name="work"/> when the caller's end closes (it sends nothing after its request).</summary>
    private async Task WatchCallerAsync(CancellationTokenSource work)
    {
        var one = new byte[1];
        try
        {
            await socket.ReceiveAsync(one, SocketFlags.None, work.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed or stopping: either way the work ends.
        }
        try
        {
            await work.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The request finished first.
        }
    }

    private static object Error(UserError error) => new { Message = error.Sentence, Kind = error.Kind.ToString() };

    private static bool IsBrokenPipe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is IOException { HResult: LocalNative.Epipe })
                return true;
        }
        return false;
    }
}
