using System.Runtime.InteropServices;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// A descriptor the user gave (the CLI's stdout, one the CLI passed to the daemon) read and written with plain
/// read(2)/write(2). Not a <see cref="FileStream"/>: on a seekable descriptor .NET's FileStream writes with pwrite at a
/// position of its own and never moves the descriptor's offset, which the file description shares with every process
/// that holds it. So `(p2p cat A; p2p cat B) &gt; out` left only B (the second process wrote at 0 again) and `&gt;&gt;`
/// could overwrite. write(2) uses and advances the shared offset and honours O_APPEND; partial writes are continued and
/// EINTR retried. A closed pipe is an <see cref="IOException"/> whose HResult is EPIPE (.NET ignores SIGPIPE), as the
/// BCL reports it, so callers tell "the reader went away" apart the way they already do. Writes block the calling
/// thread: the descriptor's O_NONBLOCK belongs to the user's shell and is not ours to change.
/// </summary>
public sealed unsafe class DescriptorStream : Stream
{
    private readonly int _fd;
    private readonly bool _owns;
    private long _written;
    private int _closed;

    /// <param name="fd">The descriptor.</param>
    /// <param name="owns">Whether disposing closes it (a received descriptor) or not (fd 1 of this process).</param>
    public DescriptorStream(int fd, bool owns)
    {
        _fd = fd;
        _owns = owns;
    }

    /// <summary>Bytes written through this stream so far (read from any thread, for progress).</summary>
    public long Written => Interlocked.Read(ref _written);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed != 0, this);
        fixed (byte* start = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = LocalNative.write(_fd, start + done, (nuint)(buffer.Length - done));
                if (n >= 0)
                {
                    done += (int)n;
                    Interlocked.Add(ref _written, n);
                    continue;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno != LocalNative.Eintr)
                    throw Failure("write", errno);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous underneath (see the class comment); checks the token before each write.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_closed != 0, this);
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var n = LocalNative.read(_fd, start, (nuint)buffer.Length);
                if (n >= 0)
                    return (int)n;
                var errno = Marshal.GetLastPInvokeError();
                if (errno != LocalNative.Eintr)
                    throw Failure("read", errno);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0 && _owns)
            _ = LocalNative.close(_fd);
        base.Dispose(disposing);
    }

    /// <summary>The errno as HResult, as the BCL's own IOExceptions carry it on Unix (ENOSPC, EPIPE are read from it).</summary>
    private static IOException Failure(string call, int errno) =>
        new($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
}
