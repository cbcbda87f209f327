using P2P.Node.Wire;

namespace P2P.Node.Exchange;

/// <summary>
/// The node-wide upload cap for served blocks: a token bucket counted in bytes, refilled from the injected
/// <see cref="TimeProvider"/> (so tests drive it with a fake clock). A sender takes a whole block's bytes at once, and
/// senders take their turns in arrival order (SemaphoreSlim releases async waiters first-in, first-out), so one peer's
/// stream of small blocks cannot starve another's large one. Written here rather than with the runtime's
/// TokenBucketRateLimiter because that one refills on the wall clock only; the DHT's TokenBucketTable takes one token
/// per request and never waits, which is not what a byte budget needs.
/// </summary>
internal sealed class UploadLimiter : IDisposable
{
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(1);

    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeProvider _time;
    private readonly double _bytesPerSecond;
    private readonly double _capacity;
    private double _tokens;
    private long _stamp;

    public UploadLimiter(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        _time = time;
        _bytesPerSecond = bytesPerSecond;
        // A tenth of a second of upload, and at least one largest block, so any block can be sent.
        _capacity = Math.Max(bytesPerSecond / 10.0, WireLimits.MaxAnyMessageSize);
        _tokens = _capacity;
        _stamp = time.GetTimestamp();
    }

    /// <summary>Waits until <paramref name="bytes"/> may be sent; false when the limiter was disposed while waiting.</summary>
    public async ValueTask<bool> AcquireAsync(int bytes, CancellationToken ct)
    {
        var need = Math.Min(bytes, _capacity);
        try
        {
            await _turn.WaitAsync(ct);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        try
        {
            while (true)
            {
                Refill();
                if (_tokens >= need)
                {
                    _tokens -= need;
                    return true;
                }
                var wait = TimeSpan.FromSeconds((need - _tokens) / _bytesPerSecond);
                await Task.Delay(wait < MinWait ? MinWait : wait, _time, ct);
            }
        }
        finally
        {
            try
            {
                _turn.Release();
            }
            catch (ObjectDisposedException)
            {
                // Disposed while this sender held its turn: nobody is left to wait.
            }
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + _time.GetElapsedTime(_stamp, now).TotalSeconds * _bytesPerSecond);
        _stamp = now;
    }

    public void Dispose() => _turn.Dispose();
}
