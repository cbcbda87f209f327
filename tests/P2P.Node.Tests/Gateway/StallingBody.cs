namespace P2P.Node.Tests.Gateway;

/// <summary>
/// A response body standing in for a socket whose client stopped reading: it takes the first
/// <c>accept</c> bytes (what the kernel's buffers would), then the next write waits, completing
/// <see cref="Stalled"/>. After <see cref="Release"/> it behaves as Kestrel does for a connection that is gone:
/// the waiting write and every later one complete at once and send nothing.
/// </summary>
internal sealed class StallingBody(long accept) : Stream
{
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _accepted;

    public Task Stalled => _stalled.Task;

    /// <summary>Bytes written, counting those discarded after <see cref="Release"/>.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public void Release() => _released.TrySetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Read(ref _accepted) >= accept && !_released.Task.IsCompleted)
        {
            _stalled.TrySetResult();
            await _released.Task;
        }
        Interlocked.Add(ref _accepted, buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Accepted;
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
