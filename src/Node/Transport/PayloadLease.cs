namespace P2P.Node.Transport;

/// <summary>
/// One holder's claim on a received message's bytes beyond the message's own <see cref="InboundMessage.Release"/>:
/// while any lease is undisposed the pooled receive buffer under the payload is not reused. Dispose is idempotent
/// and thread-safe, so each lease releases its buffer at most once. A payload that is not pooled (a datagram, a test's
/// array) gets <see cref="None"/>, whose dispose does nothing.
/// </summary>
public sealed class PayloadLease : IDisposable
{
    /// <summary>The lease of a payload that lies in a plain array: nothing to give back.</summary>
    public static PayloadLease None { get; } = new(null);

    private readonly ReceiveBuffer? _buffer;

    /// <summary>1 once disposed; set with Interlocked so the buffer is released once per lease.</summary>
    private int _disposed;

    internal PayloadLease(ReceiveBuffer? buffer) => _buffer = buffer;

    /// <summary>True once this lease let go (always false for <see cref="None"/>).</summary>
    public bool Disposed => _buffer is not null && Volatile.Read(ref _disposed) != 0;

    /// <summary>Another lease on the same buffer, for one more holder; throws once this lease is disposed.</summary>
    public PayloadLease Share()
    {
        if (_buffer is null)
            return this;
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _buffer.Retain();
    }

    public void Dispose()
    {
        if (_buffer is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            _buffer.ReleaseReference();
    }
}
