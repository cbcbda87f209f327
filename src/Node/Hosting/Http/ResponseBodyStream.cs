using System.IO.Pipelines;

namespace P2P.Node.Hosting.Http;

/// <summary>
/// The response body as the daemon's streaming answers write it (the gateway's files and CARs, the API's cat, get
/// and dag export), fixing two things Kestrel's own body stream does not do for a client that stops reading.
/// Once the client is gone Kestrel accepts and discards every write, so a loop copying a file would go on reading
/// all of it for nobody; and <c>RequestAborted</c> is cancelled from the thread pool some time later, long enough
/// for a loop over local blocks to read hundreds of megabytes first. Here every write goes to the response's
/// <see cref="PipeWriter"/>, whose result says at once that the connection's output is complete, and then throws
/// <see cref="OperationCanceledException"/>, as it does when the request is aborted. And Kestrel copies a whole write into its
/// pipe before it applies back-pressure, so a 1 MiB block costs 1 MiB of buffer per stalled connection: here
/// writes go down in slices (<see cref="SliceSize"/> unless the host buffers more), so the pipe holds at most its
/// limit (<see cref="LoopbackWebHost"/>'s response buffer) plus one slice. The body itself is not disposed. Async
/// writes only.
/// </summary>
internal sealed class ResponseBodyStream(PipeWriter body, CancellationToken aborted, int sliceSize = ResponseBodyStream.SliceSize) : Stream
{
    /// <summary>
    /// Kestrel's default response buffer: a stalled connection holds at most twice this. Each slice is one
    /// flush (a send and, chunked, one chunk): 16 KiB slices meant 65k sends per GiB and a client reading 8 KiB at a time.
    /// </summary>
    public const int SliceSize = 64 * 1024;

    private readonly int _sliceSize = sliceSize > 0 ? sliceSize : throw new ArgumentOutOfRangeException(nameof(sliceSize));

    /// <summary>Bytes handed to the body so far.</summary>
    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : aborted;
        while (!buffer.IsEmpty)
        {
            aborted.ThrowIfCancellationRequested();
            token.ThrowIfCancellationRequested();
            var slice = buffer[..Math.Min(buffer.Length, _sliceSize)];
            var result = await body.WriteAsync(slice, token);
            if (result.IsCompleted || result.IsCanceled)
                throw new OperationCanceledException("the client closed the connection", aborted);
            Written += slice.Length;
            buffer = buffer[slice.Length..];
        }
        // A chunked answer's write returns an empty result, not "completed", once Kestrel has seen the connection close
        // (its chunk writer discards from then on), and RequestAborted is cancelled from the thread pool later: under a
        // busy pool a loop over local blocks read a whole 32 MiB file for a client that had reset
        // (ApiStreamingTests). Kestrel's flush does say "completed" at once, so one flush per call (a block, not a
        // slice) stops the copy within a block of the reset.
        var check = await body.FlushAsync(token);
        if (check.IsCompleted || check.IsCanceled)
            throw new OperationCanceledException("the client closed the connection", aborted);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("write the response asynchronously");

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        // Nothing to flush to a client that has gone; a CAR's buffer flushed on the way out must not throw.
        return aborted.IsCancellationRequested ? Task.CompletedTask : body.FlushAsync(cancellationToken.CanBeCanceled ? cancellationToken : aborted).AsTask();
    }

    public override void Flush()
    {
        // Nothing is buffered here; Kestrel flushes its pipe as the slices go in.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
