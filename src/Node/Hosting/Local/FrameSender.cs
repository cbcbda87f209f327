using System.Net.Sockets;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// The daemon's side of a local connection's answer: frames written one at a time (the progress loop and the
/// handler both send), and progress sampled every <see cref="Period"/> from a poll the handler supplies, so a fast
/// transfer costs a few frames a second, never one per block. Guarded by <see cref="_gate"/>.
/// </summary>
internal sealed class FrameSender(Socket socket, TimeProvider time, CancellationToken ct) : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;
    private Func<IEnumerable<object>>? _poll;

    public async Task SendAsync(object frame)
    {
        var bytes = LocalFrames.Encode(frame);
        await _gate.WaitAsync(ct);
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts sending what <paramref name="poll"/> returns (frames not sent yet) every period.</summary>
    public void StartProgress(Func<IEnumerable<object>> poll)
    {
        _poll = poll;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = RunAsync(_stop.Token);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Period, time, stop);
                foreach (var frame in _poll!())
                    await SendAsync(frame);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the handler finished, or the connection went.
        }
        catch (SocketException)
        {
            // The CLI went away; the session's watcher cancels the work.
        }
    }

    /// <summary>Stops the loop and sends what is still pending, so the CLI's count is final before the result.</summary>
    public async Task FinishProgressAsync()
    {
        if (_stop is null)
            return;
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _stop = null;
        foreach (var frame in _poll!())
            await SendAsync(frame);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
        _gate.Dispose();
    }
}
