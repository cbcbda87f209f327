using Microsoft.AspNetCore.Http;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// kubo's streamed progress objects in an ndjson answer (`add` with <c>progress=true</c>: <c>{"Name","Bytes"}</c>;
/// `pin add`: <c>{"Progress"}</c>). Reporters only record the latest figure, since they run on the importer's or the
/// walker's thread; a loop writes it at most every <see cref="Period"/>, and result lines go through
/// <see cref="WriteAsync"/>, which first writes the figure still pending, so the client's count is final before a
/// result arrives. One writer at a time: the gate serialises the loop and the results.
/// </summary>
internal sealed class ProgressLines : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private readonly HttpResponse _response;
    private readonly CancellationToken _ct;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Every reporter made, in the order made (<see cref="ProgressBoard"/>); taken under the gate.</summary>
    private readonly ProgressBoard _board = new();

    public ProgressLines(HttpResponse response, TimeProvider time, CancellationToken ct)
    {
        _response = response;
        _ct = ct;
        StreamError.Declare(response);
        _loop = RunAsync(time);
    }

    /// <summary>A reporter of one entry's running byte count, sent as kubo's add event.</summary>
    public IProgress<long> Bytes(string name) => _board.Add(bytes => new { Name = name, Bytes = bytes });

    /// <summary>A reporter of a running block count, sent as kubo's pin add event.</summary>
    public IProgress<long> Blocks() => _board.Add(blocks => new { Progress = blocks });

    public async Task WriteAsync(object line)
    {
        await _gate.WaitAsync(_ct);
        try
        {
            await FlushPendingLockedAsync();
            await ApiJson.WriteLineAsync(_response, line, _ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await _gate.WaitAsync(_stop.Token);
                try
                {
                    await FlushPendingLockedAsync();
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped, or the client left: the handler's own writes say which.
        }
    }

    private async Task FlushPendingLockedAsync()
    {
        foreach (var line in _board.TakePending())
            await ApiJson.WriteLineAsync(_response, line, _ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _gate.Dispose();
    }
}
