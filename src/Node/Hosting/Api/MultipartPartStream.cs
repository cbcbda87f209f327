namespace P2P.Node.Hosting.Api;

/// <summary>
/// The data of one multipart part, forward-only and asynchronous: each read is one copy out of the request's pipe
/// (<see cref="MultipartPipeReader"/>). It ends at the part's delimiter, and stays ended once the reader moves on.
/// </summary>
internal sealed class MultipartPartStream(MultipartPipeReader reader) : Stream
{
    /// <summary>Set once the delimiter that ends this part was read (by this stream or by the skip before the next part).</summary>
    private bool _ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // An empty read asks nothing, so it must not reach the reader, where an empty destination means "skip".
        if (_ended || buffer.IsEmpty)
            return 0;
        var n = await reader.ReadDataAsync(buffer, cancellationToken);
        _ended = n == 0;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Passes over the rest of the part without copying it.</summary>
    public async ValueTask SkipRestAsync(CancellationToken ct)
    {
        if (_ended)
            return;
        await reader.ReadDataAsync(Memory<byte>.Empty, ct);
        _ended = true;
    }

    // Kestrel forbids synchronous body reads, and the add reads every part asynchronously.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("a multipart part is read asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
